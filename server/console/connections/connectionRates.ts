/** Counters of one connection at one moment. */
export interface CounterSample {
  at: number;
  messagesIn: number;
  messagesOut: number;
}

export interface Rates {
  inPerSec: number | null;
  outPerSec: number | null;
}

/** Shorter gaps than this reuse the last rate: two listings a few ms apart would give noise. */
const MIN_GAP_MS = 1_000;

/**
 * Per-connection message rates from successive listings of the node's cumulative counters.
 * A connection seen for the first time has no rate yet (null, shown as "—"), never a made-up 0.
 * Entries of connections that are gone are dropped on each listing of their node.
 */
export class ConnectionRates {
  private readonly last = new Map<string, { sample: CounterSample; rates: Rates }>();

  update(node: string, rows: ReadonlyArray<{ id: string } & CounterSample>): Map<string, Rates> {
    const out = new Map<string, Rates>();
    const seen = new Set<string>();
    for (const r of rows) {
      const key = `${node}\u0000${r.id}`;
      seen.add(key);
      const prev = this.last.get(key);
      let rates: Rates = { inPerSec: null, outPerSec: null };
      if (prev !== undefined) {
        const dt = r.at - prev.sample.at;
        if (dt < MIN_GAP_MS) {
          out.set(r.id, prev.rates);
          continue;
        }
        rates = {
          inPerSec: Math.max(0, ((r.messagesIn - prev.sample.messagesIn) * 1000) / dt),
          outPerSec: Math.max(0, ((r.messagesOut - prev.sample.messagesOut) * 1000) / dt),
        };
      }
      this.last.set(key, { sample: { at: r.at, messagesIn: r.messagesIn, messagesOut: r.messagesOut }, rates });
      out.set(r.id, rates);
    }
    const prefix = `${node}\u0000`;
    for (const key of this.last.keys()) if (key.startsWith(prefix) && !seen.has(key)) this.last.delete(key);
    return out;
  }
}
