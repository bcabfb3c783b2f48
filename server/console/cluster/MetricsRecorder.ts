import type { Logger } from "pino";
import type { PrismaClient } from "../../db/createPrismaClient";
import type { NodeSnapshot } from "./NodePoller";

/** Destinations per node whose depth is kept as history on each sample (the deepest ones). */
const DESTINATIONS_PER_SAMPLE = 20;
/** Raw samples are kept for an hour, minute rollups for a week. */
const RAW_KEEP_MS = 3_600_000;
const ROLLUP_KEEP_MS = 7 * 24 * 3_600_000;
const ROLLUP_SECONDS = 60;

/**
 * Turns node snapshots into metric history: fine-grained for the last hour, downsampled to one
 * point per minute (the average) for a week. Writes are buffered and flushed in batches so a
 * six-node cluster polled every second costs one insert statement a few times a minute.
 */
export class MetricsRecorder {
  private buffer: Array<{ time: Date; node: string; destination: string | null; metric: string; value: number; resolution: number }> = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private rollupTimer: NodeJS.Timeout | null = null;
  private lastSample = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly minIntervalMs = 5000,
  ) {}

  start(): void {
    this.flushTimer = setInterval(() => void this.flush(), 10_000);
    this.flushTimer.unref();
    this.rollupTimer = setInterval(() => void this.rollup(), 5 * 60_000);
    this.rollupTimer.unref();
  }

  stop(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    void this.flush();
  }

  record(s: NodeSnapshot): void {
    if (!s.up || !s.info) return;
    // At most one sample per node per interval, however fast the console polls.
    const last = this.lastSample.get(s.node) ?? 0;
    if (s.at - last < this.minIntervalMs) return;
    this.lastSample.set(s.node, s.at);
    const time = new Date(s.at);
    const info = s.info as {
      connections?: { current?: number };
      memory?: { used?: number };
      store?: { used?: number };
      messages?: { depth?: number; inflight?: number };
    };
    const push = (metric: string, value: number | undefined, destination: string | null = null): void => {
      if (typeof value === "number" && Number.isFinite(value)) this.buffer.push({ time, node: s.node, destination, metric, value, resolution: 0 });
    };
    push("in_per_sec", s.rates.inPerSec);
    push("out_per_sec", s.rates.outPerSec);
    push("depth", info.messages?.depth);
    push("inflight", info.messages?.inflight);
    push("connections", info.connections?.current);
    push("memory_used", info.memory?.used);
    push("store_used", info.store?.used);
    for (const d of s.destinations.slice(0, DESTINATIONS_PER_SAMPLE)) {
      push("depth", Number(d.depth), String(d.name));
      push("enqueued", Number(d.enqueued), String(d.name));
      push("dequeued", Number(d.dequeued), String(d.name));
    }
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    try {
      await this.prisma.metricSample.createMany({ data: rows });
    } catch (err) {
      this.logger.warn({ err, rows: rows.length }, "metric samples dropped");
    }
  }

  /** Folds raw samples older than an hour into per-minute averages; drops rollups older than a week. */
  async rollup(now = Date.now()): Promise<void> {
    try {
      const cutoff = new Date(now - RAW_KEEP_MS);
      const old = await this.prisma.metricSample.findMany({ where: { resolution: 0, time: { lt: cutoff } }, take: 50_000 });
      if (old.length > 0) {
        const groups = new Map<string, { time: Date; node: string; destination: string | null; metric: string; sum: number; n: number }>();
        for (const r of old) {
          const bucket = Math.floor(r.time.getTime() / (ROLLUP_SECONDS * 1000)) * ROLLUP_SECONDS * 1000;
          const key = `${r.node}|${r.destination ?? ""}|${r.metric}|${bucket}`;
          const g = groups.get(key) ?? { time: new Date(bucket), node: r.node, destination: r.destination, metric: r.metric, sum: 0, n: 0 };
          g.sum += r.value;
          g.n++;
          groups.set(key, g);
        }
        await this.prisma.$transaction([
          this.prisma.metricSample.createMany({
            data: [...groups.values()].map((g) => ({ time: g.time, node: g.node, destination: g.destination, metric: g.metric, value: g.sum / g.n, resolution: ROLLUP_SECONDS })),
          }),
          this.prisma.metricSample.deleteMany({ where: { id: { in: old.map((r) => r.id) } } }),
        ]);
      }
      await this.prisma.metricSample.deleteMany({ where: { resolution: ROLLUP_SECONDS, time: { lt: new Date(now - ROLLUP_KEEP_MS) } } });
    } catch (err) {
      this.logger.warn({ err }, "metric rollup failed");
    }
  }
}
