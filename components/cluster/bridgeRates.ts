/** One bridge's forwarded counter as one poll saw it. */
export interface BridgeSample {
  /** `<localGroup>/<name>`: a bridge's identity across polls. */
  key: string;
  forwarded: number;
  /** When the console read it (ms). */
  at: number;
}

/**
 * Messages per second each bridge forwarded between two polls. A counter that went down (the
 * master changed or restarted, and its counters started afresh) or a bridge seen for the first
 * time has no rate yet (null) rather than a negative or made-up one.
 */
export function bridgeRates(previous: ReadonlyMap<string, BridgeSample>, current: readonly BridgeSample[]): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const s of current) {
    const p = previous.get(s.key);
    const dt = p ? (s.at - p.at) / 1000 : 0;
    out.set(s.key, p && dt > 0 && s.forwarded >= p.forwarded ? (s.forwarded - p.forwarded) / dt : null);
  }
  return out;
}
