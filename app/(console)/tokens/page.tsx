import type { ReactNode } from "react";
import { TokensView } from "../../../components/tokens/TokensView";

export default function TokensPage(): ReactNode {
  return <TokensView />;
}
