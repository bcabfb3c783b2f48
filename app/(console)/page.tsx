import type { ReactNode } from "react";
import { OverviewView } from "../../components/cluster/OverviewView";

export default function OverviewPage(): ReactNode {
  return <OverviewView />;
}
