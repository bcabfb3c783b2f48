import type { ReactNode } from "react";
import { TopologyView } from "../../../components/cluster/TopologyView";

export default function TopologyPage(): ReactNode {
  return <TopologyView />;
}
