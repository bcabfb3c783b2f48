import type { ReactNode } from "react";
import { NodeView } from "../../../../components/cluster/NodeView";

export default async function NodePage({ params }: { params: Promise<{ name: string }> }): Promise<ReactNode> {
  const { name } = await params;
  return <NodeView name={decodeURIComponent(name)} />;
}
