import type { ReactNode } from "react";
import { GroupView } from "../../../../components/cluster/GroupView";

export default async function GroupPage({ params }: { params: Promise<{ name: string }> }): Promise<ReactNode> {
  const { name } = await params;
  return <GroupView name={decodeURIComponent(name)} />;
}
