import type { Logger } from "pino";
import type { PrismaClient } from "../../db/createPrismaClient";
import { AppError } from "../AppError";
import type { ConsoleRuntime } from "../ConsoleRuntime";
import { adminAppError } from "../admin/adminAppError";
import type { AdminClient } from "../admin/AdminClient";
import type { MessageDetail, MessageSummary } from "../../runtime/admin/adminResponses";
import { DestinationCatalog, type GroupState } from "./DestinationCatalog";
import { servingMaster, type DestinationCluster, type PolledNodes } from "./DestinationCluster";
import { deadLetterQueueOf, destinationKey, retryTargetOf } from "./destinationName";
import type { DestinationListRow } from "./destinationRow";
import type { RowQuery } from "./queryRows";
import { SortedRowsCache } from "./SortedRowsCache";
import { bucketFor, HISTORY_METRICS, shapeHistory, type HistoryPoint } from "./shapeHistory";

/** How far back a window's opening value is looked for (minute roll-ups are kept a week). */
const OPENING_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** Sparklines cover this much recent depth history (raw samples, one point a minute). */
const SPARK_WINDOW_MS = 15 * 60_000;
const SPARK_BUCKET_MS = 60_000;
/** Refusals because no node serves as master yet are retried this often, this far apart. */
const MASTER_RETRIES = 6;
const MASTER_RETRY_MS = 500;

export type { MessageSummary };

export interface MessageView extends Omit<MessageDetail, "bodyText"> {
  /** At most maxBytes of the body. */
  bodyBase64: string;
  truncated: boolean;
  /** "utf-8" when the whole body is valid UTF-8, else "binary". */
  encoding: "utf-8" | "binary";
}

export interface MoveSpec {
  to: string;
  messageIds?: string[];
  selector?: string;
  all?: boolean;
  copy: boolean;
}

export interface DestinationServiceOptions {
  runtime: ConsoleRuntime | undefined;
  prisma: PrismaClient;
  logger: Logger;
  catalog?: { freshMs?: number; staleMs?: number };
}

/**
 * Destinations across the cluster: every call goes to the group's current master through its
 * admin API (never a slave, never a load balancer); lists come from a short-lived per-group
 * snapshot (DestinationCatalog) so sorting and paging 10,000 rows stays cheap; history comes from
 * MetricSample rows the MetricsRecorder writes.
 */
export class DestinationService {
  readonly catalog: DestinationCatalog;
  private readonly sorted = new SortedRowsCache();

  constructor(private readonly o: DestinationServiceOptions) {
    this.catalog = new DestinationCatalog({ cluster: () => this.clusterOrNull(), ...o.catalog });
  }

  private clusterOrNull(): (DestinationCluster & PolledNodes) | null {
    return this.o.runtime?.cluster ?? null;
  }

  private cluster(): DestinationCluster & PolledNodes {
    const c = this.clusterOrNull();
    if (c === null) throw new AppError("UNAVAILABLE", "no cluster is attached to this console", "DETACHED");
    return c;
  }

  /** The group's master right now; refuses unknown groups and leaderless ones. */
  private master(group: string): string {
    const c = this.cluster();
    if (!c.groups.some((g) => g.name === group)) throw new AppError("NOT_FOUND", `no group named ${group}`, "NO_GROUP");
    const m = servingMaster(c, group);
    if (m === null) throw new AppError("UNAVAILABLE", `group ${group} has no master right now (election in progress or quorum lost)`, "NO_MASTER");
    return m;
  }

  /**
   * Calls the group's master. The election znodes name a master a moment before it serves
   * (it first gathers its quorum of slaves), and a failover leaves a gap with none: such refusals
   * mean nothing happened, so they are retried a few times (bounded) against whoever is master then.
   */
  private async call<T>(group: string, what: string, f: (admin: AdminClient, node: string) => Promise<T>): Promise<{ node: string; result: T }> {
    for (let attempt = 1; ; attempt++) {
      let node: string;
      try {
        node = this.master(group);
        try {
          return { node, result: await f(this.cluster().admin, node) };
        } catch (err) {
          throw adminAppError(err, `${what} on ${node} (master of ${group})`);
        }
      } catch (err) {
        const reason = err instanceof AppError ? err.reason : undefined;
        if (attempt >= MASTER_RETRIES || (reason !== "NOT_MASTER" && reason !== "NO_MASTER")) throw err;
        await new Promise((r) => setTimeout(r, MASTER_RETRY_MS));
      }
    }
  }

  async list(q: RowQuery & { sparklines: boolean }): Promise<{
    attached: boolean;
    total: number;
    /** Rows before the filters (the REST list's total_count). */
    unfiltered: number;
    items: Array<DestinationListRow & { spark: Array<number | null> }>;
    groups: GroupState[];
  }> {
    if (this.clusterOrNull() === null) return { attached: false, total: 0, unfiltered: 0, items: [], groups: [] };
    const { rows, groups } = await this.catalog.rows(q.group);
    const page = this.sorted.query(rows, q);
    const sparks = q.sparklines ? await this.sparklines(page.items) : new Map<string, Array<number | null>>();
    return { attached: true, total: page.total, unfiltered: rows.length, groups, items: page.items.map((r) => ({ ...r, spark: sparks.get(`${r.group}\u0000${r.name}`) ?? [] })) };
  }

  /** Depth over the last 15 minutes for the rows of one page: one query, and one indexed look-back per row. */
  private async sparklines(rows: readonly DestinationListRow[]): Promise<Map<string, Array<number | null>>> {
    const out = new Map<string, Array<number | null>>();
    if (rows.length === 0) return out;
    const cluster = this.cluster();
    const groupOf = new Map(cluster.nodes.map((n) => [n.name, n.group]));
    const to = Date.now();
    const from = to - SPARK_WINDOW_MS;
    const samples = await this.o.prisma.metricSample.findMany({
      where: { destination: { in: [...new Set(rows.map((r) => r.name))] }, metric: "depth", resolution: 0, time: { gte: new Date(from) } },
      select: { time: true, node: true, destination: true, value: true },
    });
    const byKey = new Map<string, Array<{ time: number; node: string; metric: string; value: number }>>();
    for (const s of samples) {
      const key = `${groupOf.get(s.node) ?? ""}\u0000${s.destination ?? ""}`;
      let list = byKey.get(key);
      if (list === undefined) byKey.set(key, (list = []));
      list.push({ time: s.time.getTime(), node: s.node, metric: "depth", value: s.value });
    }
    // Each line opens with the depth held when the window opened (as history does): a stuck deep
    // queue has no sample in the last 15 minutes, and its sparkline is that depth, not blank.
    const nodesOf = (group: string): string[] => cluster.nodes.filter((n) => n.group === group).map((n) => n.name);
    const opening = await Promise.all(
      rows.map((r) =>
        this.o.prisma.metricSample.findFirst({
          where: { destination: r.name, node: { in: nodesOf(r.group) }, metric: "depth", resolution: { in: [0, 60] }, time: { lt: new Date(from), gte: new Date(from - OPENING_LOOKBACK_MS) } },
          select: { node: true, value: true },
          orderBy: { time: "desc" },
        }),
      ),
    );
    rows.forEach((r, i) => {
      const o = opening[i];
      if (o === null || o === undefined) return;
      const key = `${r.group}\u0000${r.name}`;
      let list = byKey.get(key);
      if (list === undefined) byKey.set(key, (list = []));
      list.unshift({ time: from, node: o.node, metric: "depth", value: o.value });
    });
    for (const [key, list] of byKey) {
      const depths = shapeHistory(list, { from, to, bucketMs: SPARK_BUCKET_MS }).map((p) => p.depth);
      // …and closes with it: the last sample's depth holds until the queue moves again.
      const last = depths[depths.length - 1];
      if (last !== undefined && last !== null) depths.push(last);
      out.set(key, depths);
    }
    return out;
  }

  async get(group: string, name: string): Promise<DestinationListRow & { deadLetterQueue: string; retryTarget: string | null; asOf: number }> {
    const { node, result } = await this.call(group, `reading ${name}`, (a, n) => a.getDestination(n, name));
    // Rates come from the catalog's two observations when it has them.
    let rates: { inPerSec: number | null; outPerSec: number | null } = { inPerSec: null, outPerSec: null };
    try {
      const snap = await this.catalog.snapshot(group);
      const row = snap.node === node ? snap.rows.find((r) => r.name === result.name) : undefined;
      if (row !== undefined) rates = { inPerSec: row.inPerSec, outPerSec: row.outPerSec };
    } catch {
      // Rates are optional; the row itself came straight from the master.
    }
    return { ...result, group, node, ...rates, deadLetterQueue: deadLetterQueueOf(result.name), retryTarget: retryTargetOf(result.name), asOf: Date.now() };
  }

  /** Depth, counters and rates of one destination over [to - rangeMs, to], from MetricSample. */
  async history(group: string, name: string, rangeMs: number, to = Date.now()): Promise<{ bucketMs: number; from: number; to: number; points: HistoryPoint[] }> {
    const cluster = this.cluster();
    if (!cluster.groups.some((g) => g.name === group)) throw new AppError("NOT_FOUND", `no group named ${group}`, "NO_GROUP");
    const nodes = cluster.nodes.filter((n) => n.group === group).map((n) => n.name);
    const from = to - rangeMs;
    const { bucketMs, useRollups } = bucketFor(rangeMs);
    const samples = await this.o.prisma.metricSample.findMany({
      where: {
        destination: name,
        node: { in: nodes },
        metric: { in: ["depth", "enqueued", "dequeued"] },
        resolution: useRollups ? { in: [0, 60] } : 0,
        time: { gte: new Date(from), lte: new Date(to) },
      },
      select: { time: true, node: true, metric: true, value: true },
      orderBy: { time: "asc" },
    });
    // A destination gets a sample only when it moves (MetricsRecorder reads the masters' change
    // feeds), so a deep queue that is stuck has none in a recent window: what it held when the
    // window opened is its last sample before, shown at the window's start.
    const opening = await Promise.all(
      HISTORY_METRICS.map((metric) =>
        this.o.prisma.metricSample.findFirst({
          where: { destination: name, node: { in: nodes }, metric, resolution: { in: [0, 60] }, time: { lt: new Date(from), gte: new Date(from - OPENING_LOOKBACK_MS) } },
          select: { node: true, metric: true, value: true },
          orderBy: { time: "desc" },
        }),
      ),
    );
    const points = shapeHistory(
      [
        ...opening.filter((s) => s !== null).map((s) => ({ time: from, node: s.node, metric: s.metric, value: s.value })),
        ...samples.map((s) => ({ time: s.time.getTime(), node: s.node, metric: s.metric, value: s.value })),
      ],
      { from, to, bucketMs },
    );
    return { bucketMs, from, to, points };
  }

  async browse(group: string, name: string, q: { offset: number; limit: number; selector?: string }): Promise<{ node: string; total: number; offset: number; limit: number; items: MessageSummary[] }> {
    const { node, result } = await this.call(group, `browsing ${name}`, (a, n) => a.browseMessages(n, name, q));
    return { node, ...result };
  }

  /** One waiting message, its body cut at maxBytes (the browser never receives more). */
  async message(group: string, name: string, id: string, maxBytes: number): Promise<MessageView> {
    const { result } = await this.call(group, `reading message ${id}`, (a, n) => a.getMessage(n, name, id));
    const body = Buffer.from(result.bodyBase64, "base64");
    const { bodyText, bodyBase64: _all, ...rest } = result;
    return {
      ...rest,
      bodyBase64: body.subarray(0, maxBytes).toString("base64"),
      truncated: body.length > maxBytes,
      encoding: bodyText === null ? "binary" : "utf-8",
    };
  }

  async create(group: string, kind: "queue" | "topic", name: string): Promise<{ group: string; node: string; destination: string; created: boolean }> {
    const key = destinationKey(name, kind);
    const { node, result } = await this.call(group, `creating ${key}`, (a, n) => a.createDestination(n, key));
    this.changed(group);
    return { group, node, ...result };
  }

  /** Typed confirmation is checked here too: the UI's dialog is a convenience, not the guard. */
  private confirm(name: string, typed: string, action: string): void {
    if (typed !== name) throw new AppError("PRECONDITION_FAILED", `${action} needs the destination's name typed exactly as confirmation ("${name}")`, "CONFIRMATION_MISMATCH");
  }

  async delete(group: string, name: string, confirmName: string): Promise<{ group: string; node: string; destination: string; deleted: boolean; purged: number }> {
    this.confirm(name, confirmName, "delete");
    const { node, result } = await this.call(group, `deleting ${name}`, (a, n) => a.deleteDestination(n, name));
    this.changed(group);
    return { group, node, ...result };
  }

  async purge(group: string, name: string, confirmName: string): Promise<{ group: string; node: string; destination: string; purged: number }> {
    this.confirm(name, confirmName, "purge");
    const { node, result } = await this.call(group, `purging ${name}`, (a, n) => a.purgeDestination(n, name));
    this.changed(group);
    return { group, node, ...result };
  }

  async send(
    group: string,
    name: string,
    m: { headers: Record<string, string>; body: string; bodyEncoding: "text" | "base64"; persistent: boolean; priority: number; ttlMs: number },
  ): Promise<{ group: string; node: string; destination: string; id: string; persistent: boolean; sent: number }> {
    const { node, result } = await this.call(group, `sending to ${name}`, (a, n) => a.sendMessage(n, name, m));
    this.changed(group);
    return { group, node, ...result, sent: 1 };
  }

  async move(group: string, name: string, spec: MoveSpec): Promise<{ group: string; node: string; from: string; to: string; moved: number; copied: boolean; ids: string[] }> {
    const chosen = [spec.messageIds !== undefined, spec.selector !== undefined, spec.all === true].filter(Boolean).length;
    if (chosen !== 1) throw new AppError("BAD_REQUEST", "choose exactly one of: message ids, a selector, or all", "BAD_MOVE");
    const body = { to: spec.to, copy: spec.copy, ...(spec.messageIds !== undefined ? { messageIds: spec.messageIds } : {}), ...(spec.selector !== undefined ? { selector: spec.selector } : {}), ...(spec.all === true ? { all: true } : {}) };
    const { node, result } = await this.call(group, `${spec.copy ? "copying" : "moving"} messages of ${name}`, (a, n) => a.moveMessages(n, name, body));
    this.changed(group);
    return { group, node, ...result };
  }

  private changed(group: string): void {
    this.catalog.invalidate(group);
  }
}
