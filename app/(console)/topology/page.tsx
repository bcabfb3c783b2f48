import type { ReactNode } from "react";
import { ClusterSummary } from "../../../components/ClusterSummary";

export default function TopologyPage(): ReactNode {
  return <ClusterSummary title="Topology" />;
}
