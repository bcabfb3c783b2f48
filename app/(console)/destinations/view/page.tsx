import type { Metadata } from "next";
import type { ReactNode } from "react";
import { DestinationDetail } from "../../../../components/destinations/DestinationDetail";

export async function generateMetadata({ searchParams }: { searchParams: Promise<{ name?: string }> }): Promise<Metadata> {
  const { name } = await searchParams;
  return { title: name ? `${name} · Destinations` : "Destination" };
}

/** /destinations/view?group=group1&name=%2Fqueue%2Forders — names hold slashes, so they travel as query parameters. */
export default async function DestinationPage({ searchParams }: { searchParams: Promise<{ group?: string; name?: string }> }): Promise<ReactNode> {
  const { group, name } = await searchParams;
  if (group === undefined || name === undefined) return <p className="error">Open a destination from the Destinations list.</p>;
  return <DestinationDetail key={`${group}\u0000${name}`} group={group} name={name} />;
}
