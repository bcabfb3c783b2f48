/**
 * Folds a flapping sequence — one node going down and up, leaving and rejoining, again and again —
 * into one row, so a crash loop reads as one incident and does not push everything else off the
 * page. Pure: works on the page of events as listed (newest first).
 */
export interface FlapInput {
  id: number;
  time: Date | string | number;
  kind: string;
  node: string | null;
  group: string | null;
}

export type FlapRow<E extends FlapInput> =
  | { type: "event"; event: E }
  | { type: "flap"; node: string; group: string | null; events: E[]; counts: Array<[string, number]>; from: number; to: number };

/** Kinds that make up a flap: a node's up/down transitions and what its process and session do. */
const FLAP_KINDS = new Set(["node-down", "node-up", "member-left", "member-joined", "node-process", "node-restart", "bridge-up", "bridge-down", "slave-lagging", "slave-caught-up"]);
/** Consecutive events further apart than this are separate incidents. */
export const FLAP_GAP_MS = 2 * 60_000;
/** Shortest run folded: two down/up cycles. */
export const FLAP_MIN_EVENTS = 4;

const ms = (t: Date | string | number): number => (t instanceof Date ? t.getTime() : new Date(t).getTime());

export function groupFlaps<E extends FlapInput>(events: readonly E[]): Array<FlapRow<E>> {
  const out: Array<FlapRow<E>> = [];
  let i = 0;
  while (i < events.length) {
    const first = events[i]!;
    let j = i + 1;
    if (first.node !== null && FLAP_KINDS.has(first.kind)) {
      while (
        j < events.length &&
        events[j]!.node === first.node &&
        FLAP_KINDS.has(events[j]!.kind) &&
        Math.abs(ms(events[j - 1]!.time) - ms(events[j]!.time)) <= FLAP_GAP_MS
      ) j++;
    }
    const run = events.slice(i, j);
    // A flap repeats itself: some transition happened at least twice in the run.
    const counts = new Map<string, number>();
    for (const e of run) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    if (run.length >= FLAP_MIN_EVENTS && [...counts.values()].some((n) => n >= 2)) {
      const times = run.map((e) => ms(e.time));
      out.push({ type: "flap", node: first.node!, group: first.group, events: run, counts: [...counts.entries()].sort((a, b) => b[1] - a[1]), from: Math.min(...times), to: Math.max(...times) });
    } else {
      for (const e of run) out.push({ type: "event", event: e });
    }
    i = j;
  }
  return out;
}
