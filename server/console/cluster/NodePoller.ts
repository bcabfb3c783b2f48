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

/** Unchanged polls in a row after which a watched node counts as idle (nodes that cannot be long-polled). */
const QUIET_POLLS = 3;

/** A poll that takes longer than this (after the node's hold, for a long-poll) counts as the node not answering. */
const POLL_TIMEOUT_MS = 3000;

/**
 * How long a node may hold a long-poll while nothing it shows changes (under its admin server's
 * 30 s keep-alive). A killed node closes the held socket, so it is seen down at once; a stopped
 * (SIGSTOP) one loses its coordinator session within seconds, and the runtime then cuts the hold
 * short (refresh) — this bounds only a node whose admin API hangs while its session lives.
 */
const HOLD_MS = 20_000;

export interface NodePollerEvents {
  snapshot: [NodeSnapshot];
  up: [string];
  down: [string, string];
}

/**
 * Polls one node's admin API directly — never through a load balancer, so a slave is seen as a
 * slave and a dead node as dead. Each poll after the first is a long-poll of GET /api/v1/node
 * (`changedFrom` the last answer's fingerprint): an idle node answers once per HOLD_MS, a change
 * arrives within the node's sweep (250 ms). After a change the poller waits its interval (fast
 * while someone watches the console, slow otherwise) before holding again, so a busy node is
 * polled no more often than before. The destinations page is fetched only when the node's
 * fingerprint moved (it covers every destination's counters).
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
  /** The poll in flight (one at a time), and whether it is a held long-poll that refresh may cut short. */
  private inflight: { abort: AbortController; holding: boolean } | null = null;
  /** refresh() came while a plain poll was in flight: poll again as soon as it ends. */
  private pollAgain = false;
  /** The next poll asks at once instead of holding (after refresh: the caller wants the node's state now). */
  private askNow = false;

  constructor(
    readonly target: NodeTarget,
    private readonly o: {
      admin: AdminClient;
      /** Interval while someone watches and the node's numbers move. */
      fastMs: number;
      /** Interval while nobody watches. */
      slowMs: number;
      /** Longest hold asked of the node per long-poll (default HOLD_MS; at most the node's NODE_MAX_WAIT_MS). */
      holdMs?: number;
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
    // A held long-poll answers on any change anyway; a poller waiting out its slow interval asks now.
    if (watched && !this.stopped && this.inflight === null) this.schedule(0);
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
    this.inflight?.abort.abort();
    this.inflight = null;
  }

  /**
   * Polls now, without holding (after an action, so the UI shows its effect without waiting for
   * the next tick; or when the coordinator says the node's session ended, so a stopped node is
   * seen down within the poll timeout, not after a hold). A held long-poll is cut short.
   */
  refresh(): void {
    this.quietPolls = 0;
    if (this.stopped) return;
    this.askNow = true;
    if (this.inflight?.holding) {
      this.inflight.abort.abort();
      this.inflight = null;
    } else if (this.inflight) {
      this.pollAgain = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (this.stopped || this.inflight !== null) return;
    const at = Date.now();
    const last = this.latest;
    // Hold only from an answer that carried a fingerprint (older nodes answer at once, and are polled on the interval).
    const from = !this.askNow && last?.up && last.info?.shown !== undefined ? last.info.shown : null;
    this.askNow = false;
    const flight = { abort: new AbortController(), holding: from !== null };
    this.inflight = flight;
    let snap: NodeSnapshot;
    let unchanged = false;
    try {
      const call = { timeoutMs: POLL_TIMEOUT_MS, signal: flight.abort.signal };
      const info = await this.o.admin.nodeInfo(this.target.name, from === null ? call : { ...call, wait: { changedFrom: from, waitMs: this.o.holdMs ?? HOLD_MS } });
      flight.holding = false;
      unchanged = last !== null && last.up && info.shown !== undefined && info.shown === last.info?.shown;
      // A slave serves no clients and has no destinations (its admin API answers 503 for them):
      // it is up, just not serving — only ask a serving node for its destinations, and only when
      // its fingerprint (which covers every destination's counters) moved.
      const dests = !info.serving
        ? { items: [], total: 0 }
        : unchanged && last !== null
          ? { items: last.destinations, total: last.destinationsTotal }
          : await this.o.admin.listDestinations(this.target.name, { limit: this.o.pageSize ?? 200, sort: "depth", order: "desc" }, call);
      const now = Date.now();
      const enq = info.messages.enqueued;
      const deq = info.messages.dequeued;
      let rates = { inPerSec: 0, outPerSec: 0 };
      if (this.prev && now > this.prev.at && enq >= this.prev.enq && deq >= this.prev.deq) {
        const dt = (now - this.prev.at) / 1000;
        rates = { inPerSec: Math.round((enq - this.prev.enq) / dt), outPerSec: Math.round((deq - this.prev.deq) / dt) };
      }
      this.prev = { at: now, enq, deq };
      snap = {
        node: this.target.name, group: this.target.group, at: now, up: true, error: null, info,
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
      // Cut short by refresh() or stop(): whoever aborted it polls next.
      if (flight.abort.signal.aborted) return;
      const message = (err as Error).message;
      const now = Date.now();
      snap = { node: this.target.name, group: this.target.group, at: now, up: false, error: message, info: null, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } };
      this.prev = null;
      const waited = now - this.startedAt;
      if (!this.downReported && (this.everUp || waited >= (this.o.startupGraceMs ?? 30_000))) {
        this.downReported = true;
        this.emit("down", this.target.name, this.everUp ? message : `never answered in the ${Math.round(waited / 1000)} s since the console started (${message})`);
      }
    } finally {
      if (this.inflight === flight) this.inflight = null;
    }
    this.latest = snap;
    this.emit("snapshot", snap);
    const shown = nodeShownState(snap);
    this.quietPolls = shown === this.lastShown ? this.quietPolls + 1 : 0;
    this.lastShown = shown;
    if (this.stopped) return;
    // A hold that ran its course with nothing changed: hold again at once. (One that came back
    // early and unchanged — a node holding too many requests answers at once — waits the interval.)
    const heldOut = from !== null && unchanged && snap.at - at >= (this.o.holdMs ?? HOLD_MS) / 2;
    const again = this.pollAgain;
    this.pollAgain = false;
    this.schedule(again || heldOut ? 0 : this.nextDelay());
  }

  /**
   * After a change: fast while watched, slow otherwise. A node that cannot be long-polled and has
   * shown nothing new for QUIET_POLLS polls settles to quietMs even while watched (issue #12: an
   * idle open tab must cost the console next to nothing). Elections do not wait for this: they
   * arrive through the coordinator's watches.
   */
  private nextDelay(): number {
    if (!this.watched) return this.o.slowMs;
    return this.quietPolls >= QUIET_POLLS ? (this.o.quietMs ?? this.o.slowMs / 2) : this.o.fastMs;
  }
}
