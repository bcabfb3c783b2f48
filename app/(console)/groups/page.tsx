import type { Metadata } from "next";
import type { ReactNode } from "react";
import { GroupsView } from "../../../components/cluster/GroupsView";

export const metadata: Metadata = { title: "Groups" };

export default function GroupsPage(): ReactNode {
  return <GroupsView />;
}
