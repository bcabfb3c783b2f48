import type { Metadata } from "next";
import type { ReactNode } from "react";
import { GroupView } from "../../../../components/cluster/GroupView";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Group ${decodeURIComponent((await params).name)}` };
}

export default async function GroupPage({ params }: { params: Promise<{ name: string }> }): Promise<ReactNode> {
  const { name } = await params;
  return <GroupView name={decodeURIComponent(name)} />;
}
