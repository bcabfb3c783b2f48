import { eventCause, eventSeverity, type EventSeverity } from "../../../console/events/eventSeverity";
import type { EventLog } from "../../../db/eventRepository";

/** An event-log row with its severity and cause lifted out of `data` for the views and filters. */
export function withSeverity(e: EventLog): EventLog & { severity: EventSeverity; cause: string | null } {
  return { ...e, severity: eventSeverity(e.kind, e.data), cause: eventCause(e.data) };
}
