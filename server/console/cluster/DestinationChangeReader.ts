import type { DestinationRow } from "../../runtime/admin/adminResponses";
import type { AdminClient } from "../admin/AdminClient";

/** What changed on one node since the previous read. */
export interface DestinationChangeRead {
  /** The node could not continue from the last read (first read, restart, new master): `rows` is every destination. */
  reset: boolean;
  /** Destinations whose counters, depth, in-flight or consumers changed, oldest change first. */
  rows: DestinationRow[];
  deleted: string[];
  /** Answer pages read (each one admin call). */
  pages: number;
}

/** Where the metric recorder learns which destinations moved. */
export interface DestinationChangeSource {
  read(node: string): Promise<DestinationChangeRead>;
}

/** Pages read per node per poll: 50,000 changed destinations; the rest continue at the next poll. */
const MAX_PAGES_PER_READ = 50;
/** An answer page takes longer than this: the node counts as not answering (the poller's bound). */
const PAGE_TIMEOUT_MS = 3000;

/**
 * Reads each node's destination change feed (admin GET /destination-changes) from where the
 * previous read stopped, following `more` so that thousands of changed destinations are all read.
 * Holds one cursor per node.
 */
export class DestinationChangeReader implements DestinationChangeSource {
  private readonly cursors = new Map<string, string>();

  constructor(private readonly admin: AdminClient) {}

  async read(node: string): Promise<DestinationChangeRead> {
    let cursor = this.cursors.get(node);
    const out: DestinationChangeRead = { reset: cursor === undefined, rows: [], deleted: [], pages: 0 };
    for (;;) {
      const page = await this.admin.destinationChanges(node, { since: cursor }, { timeoutMs: PAGE_TIMEOUT_MS });
      out.pages++;
      if (page.reset) {
        // Another incarnation answers: what earlier pages of this read said is superseded too.
        out.reset = true;
        out.rows = [];
        out.deleted = [];
      }
      out.rows.push(...page.items);
      out.deleted.push(...page.deleted);
      cursor = page.cursor;
      if (!page.more || out.pages >= MAX_PAGES_PER_READ) {
        // Kept only once the whole read succeeded: a read that fails half-way is redone from the same place.
        this.cursors.set(node, cursor);
        return out;
      }
    }
  }
}
