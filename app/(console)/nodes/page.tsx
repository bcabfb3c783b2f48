import type { Metadata } from "next";
import { Suspense, type ReactNode } from "react";
import { NodesView } from "../../../components/cluster/NodesView";

export const metadata: Metadata = { title: "Nodes" };

export default function NodesPage(): ReactNode {
  // The view keeps its filters in the URL (useSearchParams): rendered on the client.
  return <Suspense><NodesView /></Suspense>;
}
