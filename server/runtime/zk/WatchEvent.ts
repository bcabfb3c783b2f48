/**
 * A one-shot watch notification. Every watch fires exactly once: with the node event the server
 * sent, or with "session_lost" when the session it was registered on is gone (the equivalent of
 * the Java client's None/Expired event), so a recipe that re-arms on every event can never be
 * left waiting on a watch that no server will ever trigger.
 */
export type WatchEventType = "created" | "deleted" | "data_changed" | "children_changed" | "session_lost";

export interface WatchEvent {
  type: WatchEventType;
  path: string;
}

export type Watcher = (event: WatchEvent) => void;

/** Wire event types (Watcher.Event.EventType) to ours. */
export function watchEventTypeFromWire(type: number): WatchEventType | undefined {
  switch (type) {
    case 1:
      return "created";
    case 2:
      return "deleted";
    case 3:
      return "data_changed";
    case 4:
      return "children_changed";
    default:
      return undefined;
  }
}
