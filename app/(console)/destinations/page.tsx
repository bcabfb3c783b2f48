import type { ReactNode } from "react";
import { DestinationsView } from "../../../components/destinations/DestinationsView";

export default function DestinationsPage(): ReactNode {
  return <DestinationsView />;
}
