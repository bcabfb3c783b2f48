/**
 * Server → browser push channel. Messages name tRPC query keys: the client's socket hook either
 * invalidates every cached query under `path` or writes `data` into one exact query.
 * `path` is the tRPC procedure path split on dots, e.g. ["zk", "children"] or ["zk"].
 */
export type LiveMessage =
  | { type: "invalidate"; path: string[]; input?: unknown }
  | { type: "setQueryData"; path: string[]; input: unknown; data: unknown };

export interface LiveEvents {
  publish(message: LiveMessage): void;
}

/** The socket.io event name carrying LiveMessage (shared with components/useLiveQueryCache). */
export const LIVE_EVENT = "live";
