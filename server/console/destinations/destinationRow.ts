import type { DestinationRow } from "../../runtime/admin/adminResponses";

/** Kinds a broker reports (the admin contract's); temporary ones belong to a connection and are listed, never managed. */
export { DESTINATION_KINDS, type DestinationKind, type DestinationRow } from "../../runtime/admin/adminResponses";

/**
 * A destination as the console lists it: the node's admin row, where it lives (group and the
 * master that answered), and in/out rates the console derives from counter deltas between two
 * observations (null until there are two, or when the counters went backwards — a new master).
 */
export interface DestinationListRow extends DestinationRow {
  group: string;
  node: string;
  inPerSec: number | null;
  outPerSec: number | null;
}
