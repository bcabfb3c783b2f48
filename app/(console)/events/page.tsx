import type { ReactNode } from "react";
import { EventsTable } from "../../../components/EventsTable";

export default function EventsPage(): ReactNode {
  return <EventsTable />;
}
