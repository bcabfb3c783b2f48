import type { ReactNode } from "react";
import { ClusterSummary } from "../../components/ClusterSummary";

export default function OverviewPage(): ReactNode {
  return <ClusterSummary title="Overview" />;
}
