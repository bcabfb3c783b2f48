import type { ReactNode } from "react";
import { formatTime, formatUtc } from "./cluster/format";

/** A timestamp in the browser's time zone, with the UTC time on hover (and in `dateTime`). */
export function Time({ at, ms, testid }: { at: number | string | Date; ms?: boolean; testid?: string }): ReactNode {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return <span>—</span>;
  return <time dateTime={d.toISOString()} title={formatUtc(d)} data-testid={testid}>{formatTime(d, ms)}</time>;
}
