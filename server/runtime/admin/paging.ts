import { z } from "zod";
import { badRequest } from "./AdminError";

export const MAX_PAGE = 1000;

/** Query parameters every list endpoint takes. */
export const pageQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
  sort: z.string().optional(),
  order: z.enum(["asc", "desc"]).default("asc"),
  /** Case-insensitive substring filter on the list's main text field (name, id …). */
  filter: z.string().max(1000).optional(),
});
export type PageQuery = z.output<typeof pageQuerySchema>;

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** Reads paging parameters plus the endpoint's own keys (`extra`) from a query string. */
export function parsePageQuery<E extends z.ZodRawShape>(
  query: URLSearchParams,
  extra: E,
): PageQuery & z.output<z.ZodObject<E>> {
  const schema = pageQuerySchema.extend(extra);
  return schema.parse(singleValued(query)) as PageQuery & z.output<z.ZodObject<E>>;
}

/** A query string as an object for a schema; a parameter given twice is refused, not silently overridden. */
export function singleValued(query: URLSearchParams): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [k, v] of query) {
    if (k in raw) throw badRequest(`query parameter "${k}" is given more than once`);
    raw[k] = v;
  }
  return raw;
}

/**
 * Filters, sorts and slices in memory. `sortKeys` names the fields a client may sort by, so a
 * typo gets a 400 listing them instead of a silently unsorted list.
 */
export function paginate<T>(
  items: T[],
  q: PageQuery,
  options: { sortKeys: Record<string, (item: T) => string | number>; filterText?: (item: T) => string; defaultSort?: string },
): Page<T> {
  let list = items;
  if (q.filter && options.filterText) {
    const needle = q.filter.toLowerCase();
    list = list.filter((i) => options.filterText!(i).toLowerCase().includes(needle));
  }
  const sortName = q.sort ?? options.defaultSort;
  if (sortName !== undefined) {
    const key = options.sortKeys[sortName];
    if (!key) throw badRequest(`cannot sort by "${sortName}" (sort by one of: ${Object.keys(options.sortKeys).join(", ")})`);
    const dir = q.order === "desc" ? -1 : 1;
    list = [...list].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }
  return { total: list.length, offset: q.offset, limit: q.limit, items: list.slice(q.offset, q.offset + q.limit) };
}
