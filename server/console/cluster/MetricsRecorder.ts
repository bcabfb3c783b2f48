import type { Logger } from "pino";
import type { MetricSampleInput, MetricSampleRepository } from "../../db/metricSampleRepository";
import { QUIET_WRITE_MS } from "../metrics/bucketSeries";
import type { DestinationRow } from "../../runtime/admin/adminResponses";
import type { DestinationChangeSource } from "./DestinationChangeReader";
import type { NodeSnapshot } from "./NodePoller";

/** Raw samples are kept for an hour, minute rollups for a week. */
const RAW_KEEP_MS = 3_600_000;
const ROLLUP_KEEP_MS = 7 * 24 * 3_600_000;
const ROLLUP_SECONDS = 60;
const MINUTE_MS = ROLLUP_SECONDS * 1000;
/**
 * A sample equal to the node's last written one is held back instead of written (issue #12: an
 * idle cluster's polls must not write to the database every few seconds), but at least one is
 * written this often, so an idle series still has points in every roll-up minute.
 */
const UNCHANGED_WRITE_MS = QUIET_WRITE_MS;
/** About this many raw samples are read per roll-up transaction. */
const FOLD_WINDOW_ROWS = 20_000;
/** A roll-up window spans at most this many minutes. */
const MAX_FOLD_MINUTES = 60;

/** What a destination's history records. */
interface DestinationValues {
  depth: number;
  enqueued: number;
  dequeued: number;
}

function valuesOf(d: DestinationRow): DestinationValues {
  return { depth: d.depth, enqueued: d.enqueued, dequeued: d.dequeued };
}

/**
 * Turns node snapshots into metric history: fine-grained for the last hour, downsampled to one
 * point per minute (the average) for a week. Writes are buffered and flushed in batches so a
 * six-node cluster polled every second costs one insert statement a few times a minute.
 *
 * Which destinations get history: every one that moved since the node's previous sample, as the
 * node's change feed tells (DestinationChangeSource) — a busy, well-consumed queue has depth 0 and
 * ranks last by depth, and must still get a chart; with 10,000 destinations, all that moved are
 * recorded, not a page of the deepest. A destination that does not move costs nothing: its last
 * sample stands (the charts hold it). When the node cannot continue from the last read (the
 * console's first read, a restart, a new master) the feed answers every destination, and each
 * that holds or has passed messages gets one sample as the starting point.
 *
 * A node whose own values are the same as in its last written sample writes nothing (once a
 * minute at most): the latest such sample is held, and written just before the next different
 * one, so a chart steps where the value changed instead of sloping across the quiet stretch.
 */
export class MetricsRecorder {
  private buffer: MetricSampleInput[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private rollupTimer: NodeJS.Timeout | null = null;
  private lastSample = new Map<string, number>();
  /** Nodes whose change feed is being read: a slow read makes the next poll skip, not pile up. */
  private reading = new Set<string>();
  /** Per node: each destination's values as last recorded (or as the last full snapshot had them). */
  private lastDestination = new Map<string, Map<string, DestinationValues>>();
  /** Per node: when its last change read was taken, and which destinations it named. */
  private lastRead = new Map<string, { at: number; moved: Set<string> }>();
  /** Per node: the values of the last written sample (time left out) and when it was taken. */
  private lastWritten = new Map<string, { values: string; at: number }>();
  /** Per node: the newest sample equal to the last written one, not written (yet). */
  private held = new Map<string, MetricSampleInput[]>();
  private rollingUp = false;
  private readonly minIntervalMs: number;
  private readonly changes: DestinationChangeSource | null;

  constructor(
    private readonly samples: MetricSampleRepository,
    private readonly logger: Logger,
    o: {
      /** At most one sample per node this often (default 5 s). */
      minIntervalMs?: number;
      /** Which destinations moved; absent: node metrics only (a recorder that only rolls up). */
      changes?: DestinationChangeSource;
    } = {},
  ) {
    this.minIntervalMs = o.minIntervalMs ?? 5000;
    this.changes = o.changes ?? null;
  }

  start(): void {
    this.flushTimer = setInterval(() => void this.flush(), 10_000);
    this.flushTimer.unref();
    this.rollupTimer = setInterval(() => void this.rollup(), 5 * 60_000);
    this.rollupTimer.unref();
  }

  stop(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    // A quiet series' held sample is its newest point: keep it.
    for (const rows of this.held.values()) this.buffer.push(...rows);
    this.held.clear();
    void this.flush();
  }

  /** Never rejects: a failed change read is logged and the node's own metrics are still written. */
  async record(s: NodeSnapshot): Promise<void> {
    if (!s.up || !s.info) {
      // The node's line ends at its last answer: write the sample held back for it.
      const held = this.held.get(s.node);
      if (held !== undefined) this.buffer.push(...held);
      this.held.delete(s.node);
      this.lastWritten.delete(s.node);
      return;
    }
    // At most one sample per node per interval, however fast the console polls.
    const last = this.lastSample.get(s.node) ?? 0;
    if (s.at - last < this.minIntervalMs || this.reading.has(s.node)) return;
    this.lastSample.set(s.node, s.at);
    const time = new Date(s.at);
    const info = s.info;
    const rows: MetricSampleInput[] = [];
    const push = (metric: string, value: number | undefined, destination: string | null = null, node = s.node): void => {
      if (typeof value === "number" && Number.isFinite(value)) rows.push({ time, node, destination, metric, value, resolution: 0 });
    };
    push("in_per_sec", s.rates.inPerSec);
    push("out_per_sec", s.rates.outPerSec);
    push("depth", info.messages.depth);
    push("inflight", info.messages.inflight);
    push("connections", info.connections.current);
    push("memory_used", info.memory.used);
    push("store_used", info.store.used);
    push("rss", info.process.rss);
    // Replication lag as the master measures it (journal end minus what the slave acknowledged),
    // kept under the slave's name: the slave's own page and the overview chart it per slave.
    for (const sl of info.ha?.slaves ?? []) push("lag_bytes", sl.lagBytes, null, sl.node);
    // Only a serving master has destinations (a slave refuses the call).
    if (info.serving && this.changes !== null) {
      const moved = await this.readChanges(s.node, s.at);
      for (const m of moved) {
        const d = m.values;
        const at = m.at === s.at ? undefined : new Date(m.at);
        for (const metric of ["depth", "enqueued", "dequeued"] as const) {
          if (at === undefined) push(metric, d[metric], m.name);
          else rows.push({ time: at, node: s.node, destination: m.name, metric, value: d[metric], resolution: 0 });
        }
      }
    }
    this.write(s.node, s.at, rows);
  }

  /**
   * The destination samples this poll writes: every destination that moved since the node's last
   * read; none when the node could not say. A destination that starts moving after a quiet
   * stretch also gets its unchanged values at the previous read's time (it had not moved by
   * then), so its first rate covers the poll interval it moved in rather than the whole stretch.
   */
  private async readChanges(node: string, at: number): Promise<Array<{ name: string; at: number; values: DestinationValues }>> {
    this.reading.add(node);
    try {
      const r = await this.changes!.read(node);
      const out: Array<{ name: string; at: number; values: DestinationValues }> = [];
      const moved = new Set<string>();
      if (r.reset) {
        // A full snapshot lists never-used destinations too: remembered, nothing to chart until they move.
        const known = new Map<string, DestinationValues>();
        for (const d of r.rows) {
          const values = valuesOf(d);
          known.set(d.name, values);
          if (d.depth > 0 || d.enqueued > 0 || d.dequeued > 0 || d.inflight > 0) {
            out.push({ name: d.name, at, values });
            moved.add(d.name);
          }
        }
        this.lastDestination.set(node, known);
      } else {
        const known = this.lastDestination.get(node) ?? new Map<string, DestinationValues>();
        this.lastDestination.set(node, known);
        const previous = this.lastRead.get(node);
        for (const d of r.rows) {
          const before = known.get(d.name);
          if (previous !== undefined && before !== undefined && !previous.moved.has(d.name)) out.push({ name: d.name, at: previous.at, values: before });
          const values = valuesOf(d);
          known.set(d.name, values);
          out.push({ name: d.name, at, values });
          moved.add(d.name);
        }
        for (const name of r.deleted) known.delete(name);
      }
      this.lastRead.set(node, { at, moved });
      return out;
    } catch (err) {
      // Its cursor stays: the next read answers what this one missed.
      this.logger.warn({ err, node }, "could not read the node's destination changes; its destinations get this sample next time");
      return [];
    } finally {
      this.reading.delete(node);
    }
  }

  /**
   * Buffers a node's sample unless its node-level values repeat the last ones written (see the
   * class comment). Destination rows are always written: the feed named them because they moved.
   */
  private write(node: string, at: number, all: MetricSampleInput[]): void {
    const rows: MetricSampleInput[] = [];
    for (const r of all) {
      if (r.destination === null) rows.push(r);
      else this.buffer.push(r);
    }
    const values = rows.map((r) => `${r.node}\u0000${r.metric}\u0000${r.destination ?? ""}\u0000${r.value}`).join("\n");
    const last = this.lastWritten.get(node);
    if (last !== undefined && last.values === values && at - last.at < UNCHANGED_WRITE_MS) {
      this.held.set(node, rows);
      return;
    }
    const held = this.held.get(node);
    if (held !== undefined && last !== undefined && last.values !== values) this.buffer.push(...held);
    this.held.delete(node);
    this.buffer.push(...rows);
    this.lastWritten.set(node, { values, at });
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    try {
      await this.samples.insert(rows);
    } catch (err) {
      this.logger.warn({ err, rows: rows.length }, "metric samples dropped");
    }
  }

  /**
   * Folds raw samples older than an hour into per-minute averages, whole minutes at a time (so a
   * minute is never split into two rollup rows), in windows sized so that one window holds about
   * FOLD_WINDOW_ROWS samples (memory stays bounded on a big cluster, and a day of backlog is a few
   * dozen transactions on a small one), then drops rollups older than a week.
   */
  async rollup(now = Date.now()): Promise<{ folded: number; minutes: number; pruned: number }> {
    const result = { folded: 0, minutes: 0, pruned: 0 };
    if (this.rollingUp) return result; // the 5-minute timer can fire while a long first run works
    this.rollingUp = true;
    try {
      // Only whole minutes that are entirely older than the raw retention.
      const cutoff = Math.floor((now - RAW_KEEP_MS) / MINUTE_MS) * MINUTE_MS;
      for (;;) {
        const oldest = await this.samples.oldestRaw(new Date(cutoff));
        if (oldest === null) break;
        const start = Math.floor(oldest.getTime() / MINUTE_MS) * MINUTE_MS;
        const probeEnd = Math.min(cutoff, start + MAX_FOLD_MINUTES * MINUTE_MS);
        const probe = await this.samples.countRaw(new Date(start), new Date(probeEnd));
        const perMinute = Math.max(1, probe / ((probeEnd - start) / MINUTE_MS));
        const minutes = Math.max(1, Math.min(MAX_FOLD_MINUTES, Math.floor(FOLD_WINDOW_ROWS / perMinute)));
        const end = Math.min(cutoff, start + minutes * MINUTE_MS);
        result.folded += await this.samples.foldRaw(new Date(start), new Date(end), MINUTE_MS, ROLLUP_SECONDS);
        result.minutes += (end - start) / MINUTE_MS;
      }
      result.pruned = await this.samples.prune(ROLLUP_SECONDS, new Date(now - ROLLUP_KEEP_MS));
      if (result.minutes > 0 || result.pruned > 0) this.logger.debug(result, "metric rollup");
    } catch (err) {
      this.logger.warn({ err }, "metric rollup failed");
    } finally {
      this.rollingUp = false;
    }
    return result;
  }
}
