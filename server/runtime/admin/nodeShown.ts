import { createHash } from "node:crypto";
import type { Broker } from "../broker/Broker";
import type { AdminContext } from "./AdminContext";
import type { NodeInfo } from "./adminResponses";
import { messageTotals, nodeInfo } from "./nodeInfo";

/**
 * What a console shows of this node, as a short fingerprint: everything GET /api/v1/node reports
 * except what moves on an idle node (uptime, process memory), plus the broker's destination change
 * sequence (DestinationChanges: bumped on every change of a destination's depth, counters,
 * in-flight, spilled count, consumers or producers, and on each creation and deletion). Equal
 * fingerprints: nothing a console shows has changed, so a long-poll of /node (`changedFrom`)
 * keeps waiting. While the sequence stands still the message totals of the last computation are
 * reused, so a sweep of an idle node walks no destination (before: two walks of every destination
 * per 250 ms sweep while a console held a poll). Nothing in the broker's hot path pays for it
 * beyond the sequence's one increment.
 */
export class ShownFingerprint {
  /** The totals last computed, and the broker and sequence number they were computed at. */
  private last: { broker: Broker; seq: number; messages: NodeInfo["messages"] } | null = null;

  constructor(private readonly ctx: AdminContext) {}

  /** The fingerprint now (a long-poll sweep): totals recomputed only when the change sequence moved. */
  current(): string {
    const broker = this.ctx.broker();
    const last = this.last;
    const messages = broker !== null && last !== null && last.broker === broker && last.seq === broker.changes.seq ? last.messages : undefined;
    return this.of(nodeInfo(this.ctx, messages ?? this.totals(broker)));
  }

  /** The fingerprint of an answer computed in full (GET /node); equal to current() at the same moment. */
  of(info: NodeInfo): string {
    const broker = this.ctx.broker();
    const { uptimeMs: _uptime, process: _process, shown: _shown, ...rest } = info;
    const h = createHash("sha1").update(JSON.stringify(rest));
    if (broker) h.update(`${broker.changes.incarnation}.${broker.changes.seq}`);
    return h.digest("base64url").slice(0, 16);
  }

  private totals(broker: Broker | null): NodeInfo["messages"] {
    const messages = messageTotals(broker);
    this.last = broker === null ? null : { broker, seq: broker.changes.seq, messages };
    return messages;
  }
}

/** Most held long-polls at once; past it, a long-poll is answered at once (a client cannot pile up waiters). */
const MAX_HELD = 256;

interface Held {
  from: string;
  deadline: number;
  done: () => void;
}

/**
 * Holds GET /api/v1/node?changedFrom=<fingerprint>&waitMs=N until what the node shows differs
 * from the fingerprint the caller holds, or N ms have passed, or the caller hangs up. One sweep
 * every `checkMs` serves every held request (the fingerprint is computed once per sweep, and
 * the deadlines are checked there too, so a held request arms no timer of its own); the sweep
 * runs only while something is held. An idle console then costs a node (and itself) one request
 * per hold instead of one per poll interval, and a change reaches it within one sweep.
 */
export class NodeChangeWaiter {
  private readonly held = new Set<Held>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly fingerprint: () => string,
    private readonly checkMs = 250,
  ) {}

  /** Resolves (never rejects) once the fingerprint differs from `from`, `waitMs` has passed, or `signal` aborts. */
  wait(from: string, waitMs: number, signal?: AbortSignal): Promise<void> {
    if (waitMs <= 0 || signal?.aborted || this.held.size >= MAX_HELD || this.fingerprint() !== from) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry: Held = {
        from,
        deadline: Date.now() + waitMs,
        done: () => {
          this.held.delete(entry);
          signal?.removeEventListener("abort", entry.done);
          if (this.held.size === 0) this.stopSweeping();
          resolve();
        },
      };
      this.held.add(entry);
      signal?.addEventListener("abort", entry.done, { once: true });
      if (this.sweeper === null) {
        this.sweeper = setInterval(() => this.sweep(), this.checkMs);
      }
    });
  }

  /** Requests held right now (tests; a stopped admin server holds none). */
  get size(): number {
    return this.held.size;
  }

  private sweep(): void {
    const now = Date.now();
    const current = this.fingerprint();
    for (const h of [...this.held]) if (h.from !== current || now >= h.deadline) h.done();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}
