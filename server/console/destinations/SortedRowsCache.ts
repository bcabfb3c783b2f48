import type { DestinationListRow } from "./destinationRow";
import { queryRows, type RowQuery } from "./queryRows";

const ENTRIES = 8;

/**
 * Remembers the last few filtered-and-sorted row lists, keyed by the rows array they came from
 * (a new snapshot is a new array) and the query without its paging. Paging through 10,000
 * destinations, or the UI's refetch every few seconds, then slices an already sorted list
 * instead of sorting 10,000 rows again.
 */
export class SortedRowsCache {
  private entries: Array<{ rows: readonly DestinationListRow[]; key: string; sorted: DestinationListRow[] }> = [];

  query(rows: readonly DestinationListRow[], q: RowQuery): { total: number; items: DestinationListRow[] } {
    const key = JSON.stringify([q.filter?.trim().toLowerCase() ?? "", q.kind ?? "", q.group ?? "", q.sort, q.order]);
    let hit = this.entries.find((e) => e.rows === rows && e.key === key);
    if (hit === undefined) {
      hit = { rows, key, sorted: queryRows(rows, { ...q, offset: 0, limit: Number.MAX_SAFE_INTEGER }).items };
      this.entries = [hit, ...this.entries.slice(0, ENTRIES - 1)];
    }
    return { total: hit.sorted.length, items: hit.sorted.slice(q.offset, q.offset + q.limit) };
  }
}
