import type { Metadata } from "next";
import { Suspense, type ReactNode } from "react";
import { ZkExplorerView } from "../../../components/zk/ZkExplorerView";

export const metadata: Metadata = { title: "ZooKeeper" };

export default function ZooKeeperPage(): ReactNode {
  // The explorer keeps its path in the URL (useSearchParams): rendered on the client.
  return <Suspense><ZkExplorerView /></Suspense>;
}
