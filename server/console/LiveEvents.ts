/**
 * Server → browser push channel. Each message names exactly what changed, so a browser
 * refetches only the queries that show it (components/live/liveQueryUpdates.ts maps each message
 * to tRPC's pathKey()/queryKey() helpers); a "patch" carries the new value itself, written into
 * the open queries at once. `path` names the tRPC router (and procedure) concerned.
 */
export type LiveMessage =
  /** An election or membership change in a group; the master it has now travels with it. */
  | { type: "patch"; path: ["cluster", "group"]; group: string; master: string | null }
  /** Something a node's pages show changed (role, serving, counters, replication, bridges, its process). */
  | { type: "invalidate"; path: ["cluster", "node"]; node: string; group: string }
  /** A node's drain job moved on. */
  | { type: "invalidate"; path: ["drain"]; node: string }
  /** Destinations of one group (or of all) were created, deleted, purged, sent to or moved. */
  | { type: "invalidate"; path: ["destinations"]; group?: string }
  /** A group master's message counters moved (sends, consumption, expiry): that group's destination pages and lists follow. */
  | { type: "invalidate"; path: ["destinations", "counters"]; group: string }
  /** One znode's data, children or ACL changed (a coordinator watch fired): only that query is refetched. */
  | { type: "invalidate"; path: ["zk", ZnodeQuery]; input: { path: string } }
  /** The tree changed somewhere: any open recursive-delete preview may be stale. */
  | { type: "invalidate"; path: ["zk", "deletePreview"] }
  /** A whole small domain changed (lists the console keeps in its database or the coordinator). */
  | { type: "invalidate"; path: [WholeDomain] };

/** The explorer's per-znode queries (zk router procedures taking `{ path }`). */
export type ZnodeQuery = "get" | "children" | "acl";

/** Domains whose queries are refetched as a whole on any change. */
export type WholeDomain = "events" | "audit" | "alerts" | "zk" | "users" | "bridges" | "connections" | "rocketmq";

export interface LiveEvents {
  publish(message: LiveMessage): void;
}

/** socket.io's typed server → client events: the one event that carries LiveMessage. */
export interface LiveServerToClientEvents {
  live: (message: LiveMessage) => void;
}
