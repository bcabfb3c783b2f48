import type { ReactNode } from "react";
import { ClusterSummary } from "../../../components/ClusterSummary";

export default function DestinationsPage(): ReactNode {
  return <ClusterSummary title="Destinations" />;
}
