import { EventEmitter } from "node:events";
import type { Logger } from "pino";

export interface NodeTarget {
  name: string;
  group: string;
  /** "http://127.0.0.1:8171" */
  adminUrl: string;
  token: string;
}

export interface NodeSnapshot {
  node: string;
  group: string;
  at: number;
  up: boolean;
  error: string | null;
  /** GET /api/v1/node, as the node answered it. */
  info: Record<string, unknown> | null;
  /** The first page of GET /api/v1/destinations (sorted by depth). */
  destinations: Array<Record<string, unknown>>;
  destinationsTotal: number;
  rates: { inPerSec: number; outPerSec: number };
}

export interface NodePollerEvents {
  snapshot: [NodeSnapshot];
  up: [string];
  down: [string, string];
}

/**
 * Polls one node's admin API directly — never through a load balancer, so a slave is seen as a
 * slave and a dead node as dead. Fast while someone watches the console, slow otherwise.
 */
export class NodePoller extends EventEmitter<NodePollerEvents> {
  private timer: NodeJS.Timeout | null = null;
  private watched = false;
  private stopped = true;
  latest: NodeSnapshot | null = null;
  private prev: { at: number; enq: number; deq: number } | null = null;
  /** The node answered at least once since the poller started. */
  private everUp = false;
  /** A "down" was emitted and no "up" since: events come in pairs, one per transition. */
  private downReported = false;
  private startedAt = 0;

  constructor(
    readonly target: NodeTarget,
    private readonly o: {
      fastMs: number; slowMs: number; logger: Logger; pageSize?: number;
      /**
       * A node that has not answered yet is starting, not down (the console starts its nodes
       * and polls them at once): failures before its first answer are reported only once this
       * long has passed. Default 30 s.
       */
      startupGraceMs?: number;
    },
  ) {
    super();
  }

  setWatched(watched: boolean): void {
    if (this.watched === watched) return;
    this.watched = watched;
    if (watched && !this.stopped) this.schedule(0);
  }

  start(): void {
    this.stopped = false;
    this.startedAt = Date.now();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Polls now (after an action, so the UI shows its effect without waiting for the next tick). */
  refresh(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async get(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.target.adminUrl}${path}`, {
      headers: { authorization: `Bearer ${this.target.token}` },
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    const at = Date.now();
    let snap: NodeSnapshot;
    try {
      const info = await this.get("/api/v1/node");
      // A slave serves no clients and has no destinations (its admin API answers 503 for them):
      // it is up, just not serving — only ask a serving node for its destinations.
      const dests = info.serving === true
        ? await this.get(`/api/v1/destinations?limit=${this.o.pageSize ?? 200}&sort=depth&order=desc`)
        : { items: [], total: 0 };
      const messages = (info.messages ?? {}) as { enqueued?: number; dequeued?: number };
      const enq = messages.enqueued ?? 0;
      const deq = messages.dequeued ?? 0;
      let rates = { inPerSec: 0, outPerSec: 0 };
      if (this.prev && at > this.prev.at && enq >= this.prev.enq && deq >= this.prev.deq) {
        const dt = (at - this.prev.at) / 1000;
        rates = { inPerSec: Math.round((enq - this.prev.enq) / dt), outPerSec: Math.round((deq - this.prev.deq) / dt) };
      }
      this.prev = { at, enq, deq };
      snap = {
        node: this.target.name, group: this.target.group, at, up: true, error: null, info,
        destinations: (dests.items as Array<Record<string, unknown>>) ?? [],
        destinationsTotal: Number(dests.total ?? 0),
        rates,
      };
      this.everUp = true;
      if (this.downReported) {
        this.downReported = false;
        this.emit("up", this.target.name);
      }
    } catch (err) {
      const message = (err as Error).message;
      snap = { node: this.target.name, group: this.target.group, at, up: false, error: message, info: null, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } };
      this.prev = null;
      const waited = at - this.startedAt;
      if (!this.downReported && (this.everUp || waited >= (this.o.startupGraceMs ?? 30_000))) {
        this.downReported = true;
        this.emit("down", this.target.name, this.everUp ? message : `never answered in the ${Math.round(waited / 1000)} s since the console started (${message})`);
      }
    }
    this.latest = snap;
    this.emit("snapshot", snap);
    if (!this.stopped) this.schedule(this.watched ? this.o.fastMs : this.o.slowMs);
  }
}
