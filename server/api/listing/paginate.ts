import { listPage, pageOffset, type ListPage, type ListQuery } from "./listQuery.schema";

export type SortValue = string | number | boolean | null | undefined;

/**
 * In-memory paging for lists that are small by nature (users, tokens, rules, webhooks, bridges,
 * nodes): filter on the name, sort by the chosen column (ties by name, so pages are stable), slice.
 * Nulls sort last whatever the direction, as a missing value is not "smallest".
 */
export function paginate<T, S extends string>(
  rows: readonly T[],
  q: ListQuery<S>,
  by: { name: (row: T) => string; sort: Record<S, (row: T) => SortValue> },
  extraFilter: (row: T) => boolean = () => true,
): ListPage<T> {
  const needle = q.name?.trim().toLowerCase() ?? "";
  const picked = rows.filter((r) => extraFilter(r) && (needle === "" || by.name(r).toLowerCase().includes(needle)));
  const key = by.sort[q.sort];
  const dir = q.sort_reverse ? -1 : 1;
  const sorted = picked
    .map((row) => ({ row, k: key(row), n: by.name(row) }))
    .sort((a, b) => {
      const an = a.k === null || a.k === undefined;
      const bn = b.k === null || b.k === undefined;
      if (an !== bn) return an ? 1 : -1;
      const c = an ? 0 : compare(a.k, b.k);
      return (c !== 0 ? c : compare(a.n, b.n)) * dir;
    })
    .map((x) => x.row);
  const from = pageOffset(q);
  return listPage(sorted.slice(from, from + q.page_size), q, { total: rows.length, filtered: picked.length });
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
