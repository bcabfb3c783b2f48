import type { ReactNode } from "react";
import { GroupsView } from "../../../components/cluster/GroupsView";

export default function GroupsPage(): ReactNode {
  return <GroupsView />;
}
