import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { DestinationRow, NodeInfo } from "../../runtime/admin/adminResponses";
import type { AdminClient } from "../admin/AdminClient";
import { nodeShownState } from "./nodeShownState";

export interface NodeTarget {
  name: string;
  group: string;
}

export interface NodeSnapshot {
  node: string;
  group: string;
  at: number;
  up: boolean;
  error: string | null;
  /** GET /api/v1/node, as the node answered it. */
  info: NodeInfo | null;
  /** The first page of GET /api/v1/destinations (sorted by depth). */
  destinations: DestinationRow[];
  destinationsTotal: number;
  rates: { inPerSec: number; outPerSec: number };
}

/** Unchanged polls in a row after which a watched node counts as idle. */
const QUIET_POLLS = 3;

/** A poll that takes longer than this counts as the node not answering. */
const POLL_TIMEOUT_MS = 3000;

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
  /** Polls in a row that showed nothing new (nodeShownState): an idle node is polled less often. */
  private quietPolls = 0;
  private lastShown = "";
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
      admin: AdminClient;
      /** Interval while someone watches and the node's numbers move. */
      fastMs: number;
      /** Interval while nobody watches. */
      slowMs: number;
      /** Interval while someone watches but the node has shown nothing new for QUIET_POLLS polls (default slowMs / 2). */
      quietMs?: number;
      logger: Logger;
      pageSize?: number;
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
    this.quietPolls = 0;
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    const at = Date.now();
    let snap: NodeSnapshot;
    try {
      const call = { timeoutMs: POLL_TIMEOUT_MS };
      const info = await this.o.admin.nodeInfo(this.target.name, call);
      // A slave serves no clients and has no destinations (its admin API answers 503 for them):
      // it is up, just not serving — only ask a serving node for its destinations.
      const dests = info.serving
        ? await this.o.admin.listDestinations(this.target.name, { limit: this.o.pageSize ?? 200, sort: "depth", order: "desc" }, call)
        : { items: [], total: 0 };
      const enq = info.messages.enqueued;
      const deq = info.messages.dequeued;
      let rates = { inPerSec: 0, outPerSec: 0 };
      if (this.prev && at > this.prev.at && enq >= this.prev.enq && deq >= this.prev.deq) {
        const dt = (at - this.prev.at) / 1000;
        rates = { inPerSec: Math.round((enq - this.prev.enq) / dt), outPerSec: Math.round((deq - this.prev.deq) / dt) };
      }
      this.prev = { at, enq, deq };
      snap = {
        node: this.target.name, group: this.target.group, at, up: true, error: null, info,
        destinations: dests.items,
        destinationsTotal: dests.total,
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
    const shown = nodeShownState(snap);
    this.quietPolls = shown === this.lastShown ? this.quietPolls + 1 : 0;
    this.lastShown = shown;
    if (!this.stopped) this.schedule(this.nextDelay());
  }

  /**
   * Fast while watched and moving; an idle node settles to quietMs even while watched (issue #12:
   * an idle open tab must cost the console next to nothing). Elections do not wait for this: they
   * arrive through the coordinator's watches. A change seen, or an action (refresh), makes it fast again.
   */
  private nextDelay(): number {
    if (!this.watched) return this.o.slowMs;
    return this.quietPolls >= QUIET_POLLS ? (this.o.quietMs ?? this.o.slowMs / 2) : this.o.fastMs;
  }
}
