import type { DestinationKind, DestinationListRow } from "./destinationRow";

export const DESTINATION_SORT_KEYS = ["name", "depth", "enqueued", "dequeued", "consumers", "producers", "oldestMessageAgeMs", "inPerSec", "outPerSec"] as const;
export type DestinationSortKey = (typeof DESTINATION_SORT_KEYS)[number];

export interface RowQuery {
  /** Case-insensitive substring of the name. */
  filter?: string;
  kind?: DestinationKind;
  group?: string;
  sort: DestinationSortKey;
  order: "asc" | "desc";
  offset: number;
  limit: number;
}

/**
 * Filters, sorts and pages the merged rows of every master. Unknown values (null rates, no
 * waiting message) sort last in either direction so "busiest first" never starts with blanks;
 * ties break on group then name so paging is stable between calls.
 */
export function queryRows(rows: readonly DestinationListRow[], q: RowQuery): { total: number; items: DestinationListRow[] } {
  const needle = q.filter?.trim().toLowerCase() ?? "";
  const picked = rows.filter(
    (r) => (needle === "" || r.name.toLowerCase().includes(needle)) && (q.kind === undefined || r.kind === q.kind) && (q.group === undefined || r.group === q.group),
  );
  const dir = q.order === "desc" ? -1 : 1;
  const key = q.sort;
  picked.sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      if (x < y) return -dir;
      if (x > y) return dir;
    }
    if (a.group !== b.group) return a.group < b.group ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return { total: picked.length, items: picked.slice(q.offset, q.offset + q.limit) };
}
