import type { Metadata } from "next";
import type { ReactNode } from "react";
import { BridgesView } from "../../../components/cluster/BridgesView";

export const metadata: Metadata = { title: "Bridges" };

export default function BridgesPage(): ReactNode {
  return <BridgesView />;
}
