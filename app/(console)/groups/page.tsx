import type { ReactNode } from "react";
import { ClusterSummary } from "../../../components/ClusterSummary";

export default function GroupsPage(): ReactNode {
  return <ClusterSummary title="Groups" />;
}
