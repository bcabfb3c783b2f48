import type { ReactNode } from "react";
import { EventsView } from "../../../components/cluster/EventsView";

export default function EventsPage(): ReactNode {
  return <EventsView />;
}
