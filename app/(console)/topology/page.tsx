import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TopologyView } from "../../../components/cluster/TopologyView";

export const metadata: Metadata = { title: "Topology" };

export default function TopologyPage(): ReactNode {
  return <TopologyView />;
}
