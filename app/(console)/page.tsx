import type { Metadata } from "next";
import type { ReactNode } from "react";
import { OverviewView } from "../../components/cluster/OverviewView";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage(): ReactNode {
  return <OverviewView />;
}
