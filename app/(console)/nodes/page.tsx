import type { ReactNode } from "react";
import { ClusterSummary } from "../../../components/ClusterSummary";

export default function NodesPage(): ReactNode {
  return <ClusterSummary title="Nodes" />;
}
