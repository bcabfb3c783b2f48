/** Kinds a broker reports; temporary ones belong to a connection and are listed, never managed. */
export const DESTINATION_KINDS = ["queue", "topic", "temp-queue", "temp-topic"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** One row of GET /api/v1/destinations as a node's admin API answers it (server/runtime/admin/destinations.ts). */
export interface AdminDestinationRow {
  name: string;
  kind: DestinationKind;
  depth: number;
  spilled: number;
  enqueued: number;
  dequeued: number;
  dispatched: number;
  expired: number;
  deadLettered: number;
  consumers: number;
  producers: number;
  inflight: number;
  durableSubscriptions: number;
  oldestMessageAgeMs: number | null;
}

/**
 * A destination as the console lists it: the admin row, where it lives (group and the master
 * that answered), and in/out rates the console derives from counter deltas between two
 * observations (null until there are two, or when the counters went backwards — a new master).
 */
export interface DestinationListRow extends AdminDestinationRow {
  group: string;
  node: string;
  inPerSec: number | null;
  outPerSec: number | null;
}
