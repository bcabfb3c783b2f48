import type { ReactNode } from "react";
import { BridgesView } from "../../../components/cluster/BridgesView";

export default function BridgesPage(): ReactNode {
  return <BridgesView />;
}
