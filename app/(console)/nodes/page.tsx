import type { ReactNode } from "react";
import { NodesView } from "../../../components/cluster/NodesView";

export default function NodesPage(): ReactNode {
  return <NodesView />;
}
