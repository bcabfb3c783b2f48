import type { Logger } from "pino";

/** Environment switch: TANDEM_REPL_TRACE=1 makes the replication path time its phases. */
export const REPL_TRACE_ENV = "TANDEM_REPL_TRACE";

/**
 * Opt-in timing of the replicated send path (issue 15: where does a quorum_disk receipt's time
 * go?). Each side records durations per named phase — the master: local sync, quorum wait, ship
 * to mem/disk ack; the slave: receive to durable — and logs p50/p99/max and counts every few
 * seconds, then starts afresh. Off by default: the hot path then only tests for null.
 */
export class ReplicationTrace {
  private samples = new Map<string, number[]>();
  private counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly side: "master" | "slave",
    everyMs = 5000,
  ) {
    this.timer = setInterval(() => this.flush(), everyMs);
    this.timer.unref();
  }

  /** A trace when the environment asks for one, else null. */
  static fromEnv(logger: Logger, side: "master" | "slave"): ReplicationTrace | null {
    return process.env[REPL_TRACE_ENV] === "1" ? new ReplicationTrace(logger, side) : null;
  }

  static now(): number {
    return performance.now();
  }

  /** A duration in ms since `since` (a now() reading) under `phase`. */
  since(phase: string, since: number): void {
    let xs = this.samples.get(phase);
    if (!xs) this.samples.set(phase, (xs = []));
    if (xs.length < 200_000) xs.push(performance.now() - since);
  }

  /** Adds `n` to a counter (frames, records, fsyncs …). */
  count(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    if (this.samples.size === 0 && this.counts.size === 0) return;
    const phases: Record<string, { n: number; p50: number; p99: number; max: number }> = {};
    for (const [phase, xs] of this.samples) {
      xs.sort((a, b) => a - b);
      const at = (q: number): number => Math.round(xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! * 1000) / 1000;
      phases[phase] = { n: xs.length, p50: at(0.5), p99: at(0.99), max: at(1) };
    }
    this.logger.info({ side: this.side, phases, counts: Object.fromEntries(this.counts) }, "replication trace");
    this.samples = new Map();
    this.counts = new Map();
  }
}
