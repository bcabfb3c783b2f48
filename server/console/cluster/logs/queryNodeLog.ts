import { LOG_LEVELS, type LogLevelName, type NodeLogLine } from "./nodeLogLine";

export interface NodeLogQuery {
  /** Lowest severity shown. */
  level?: LogLevelName;
  /** Case-insensitive substring of the raw line. */
  search?: string;
  /** Newest lines returned (oldest first among them). */
  limit: number;
  /** Only lines older than this sequence number (paging back). */
  beforeSeq?: number;
}

/** Filters the kept lines: level, then search, then the newest `limit` before `beforeSeq`. */
export function queryNodeLog(lines: readonly NodeLogLine[], q: NodeLogQuery): { lines: NodeLogLine[]; matched: number } {
  const min = q.level === undefined ? 0 : LOG_LEVELS[q.level];
  const needle = q.search?.trim().toLowerCase() ?? "";
  const matches = lines.filter(
    (l) => l.level >= min && (q.beforeSeq === undefined || l.seq < q.beforeSeq) && (needle === "" || l.text.toLowerCase().includes(needle)),
  );
  return { lines: matches.slice(-q.limit), matched: matches.length };
}
