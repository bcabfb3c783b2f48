import type { ReactNode } from "react";
import { ZkExplorerView } from "../../../components/zk/ZkExplorerView";

export default function ZooKeeperPage(): ReactNode {
  return <ZkExplorerView />;
}
