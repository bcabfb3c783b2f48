import { z } from "zod";

/** RabbitMQ's HTTP API defaults: 100 rows a page unless asked, never more than 500. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/**
 * A boolean query parameter, as text: `true`/`false` (also 1/0, yes/no). Not z.boolean(): the REST
 * adapter coerces those with Boolean(), which reads "false" as true.
 */
export const queryBoolean = z.stringbool().meta({ description: "true or false", example: "false" });

/**
 * The list conventions every REST collection follows, after RabbitMQ's HTTP API (`page`,
 * `page_size`, `sort`, `sort_reverse`, `name`), so operators' scripts carry over. `sort` is the
 * list's own enum of sortable columns; its first entry is the default.
 */
export function listQueryInput<const K extends readonly [string, ...string[]]>(sortKeys: K) {
  return z.object({
    /** 1-based. A page past the end answers no items (and says how many pages there are). */
    page: z.number().int().min(1).max(1_000_000).default(1).meta({ description: "Page number, from 1" }),
    page_size: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).meta({ description: `Rows per page (at most ${MAX_PAGE_SIZE})` }),
    sort: z.enum(sortKeys).default(sortKeys[0] as K[number]).meta({ description: "Column to sort by" }),
    sort_reverse: queryBoolean.default(false).meta({ description: "true: reverse the column's order" }),
    name: z.string().max(600).meta({ description: "Case-insensitive substring of the row's name" }).optional(),
  });
}

export interface ListQuery<S extends string = string> {
  page: number;
  page_size: number;
  sort: S;
  sort_reverse: boolean;
  name?: string;
}

/** The answer of every list: the page's items plus the counts a client pages with. */
export function listPageOutput<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Rows before the `name` and other filters. */
    total_count: z.number().int(),
    /** Rows matching the filters, over all pages. */
    filtered_count: z.number().int(),
    /** Rows on this page. */
    item_count: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    page_count: z.number().int(),
  });
}

export interface ListPage<T> {
  items: T[];
  total_count: number;
  filtered_count: number;
  item_count: number;
  page: number;
  page_size: number;
  page_count: number;
}

/** Rows to skip for a page (for lists paged by a database or a service). */
export function pageOffset(q: Pick<ListQuery, "page" | "page_size">): number {
  return (q.page - 1) * q.page_size;
}

/** The envelope for one page of rows someone else filtered and sliced. */
export function listPage<T>(items: T[], q: Pick<ListQuery, "page" | "page_size">, counts: { total: number; filtered: number }): ListPage<T> {
  return {
    items,
    total_count: counts.total,
    filtered_count: counts.filtered,
    item_count: items.length,
    page: q.page,
    page_size: q.page_size,
    page_count: Math.max(1, Math.ceil(counts.filtered / q.page_size)),
  };
}
