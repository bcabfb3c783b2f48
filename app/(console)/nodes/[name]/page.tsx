import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NodeView } from "../../../../components/cluster/NodeView";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Node ${decodeURIComponent((await params).name)}` };
}

export default async function NodePage({ params }: { params: Promise<{ name: string }> }): Promise<ReactNode> {
  const { name } = await params;
  return <NodeView name={decodeURIComponent(name)} />;
}
