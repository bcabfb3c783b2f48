import { createHash } from "node:crypto";
import type { Broker } from "../broker/Broker";
import type { AdminContext } from "./AdminContext";
import type { NodeInfo } from "./adminResponses";
import { nodeInfo } from "./nodeInfo";

/**
 * What a console shows of this node, as a short fingerprint: everything GET /api/v1/node reports
 * except what moves on an idle node (uptime, process memory), plus each destination's counters
 * (depth, enqueued, dequeued, inflight, spilled, consumers, producers — what the destination
 * pages and their charts show). Equal fingerprints: nothing a console shows has changed, so a
 * long-poll of /node (`changedFrom`) keeps waiting. Computed from the live objects, not kept up
 * to date by them: nothing in the broker's hot path pays for it.
 */
export function shownFingerprint(ctx: AdminContext, info: NodeInfo = nodeInfo(ctx)): string {
  const { uptimeMs: _uptime, process: _process, shown: _shown, ...rest } = info;
  const h = createHash("sha1").update(JSON.stringify(rest));
  const broker = ctx.broker();
  if (broker) h.update(destinationCounters(broker));
  return h.digest("base64url").slice(0, 16);
}

/** Each destination's shown counters, one line each (queues, then topics and their subscription buffers). */
function destinationCounters(broker: Broker): string {
  const parts: Array<string | number> = [];
  for (const q of broker.queues.values()) {
    parts.push(q.key, q.depth, q.stats.enqueued, q.stats.dequeued, q.inflight, q.spilledCount, q.consumers.length, broker.producers.get(q.key)?.size ?? 0, "\n");
  }
  for (const t of broker.topics.values()) {
    parts.push(t.destination, t.enqueued, t.durables.size, broker.producers.get(t.destination)?.size ?? 0);
    for (const q of t.subscribers.values()) parts.push(q.depth, q.stats.dequeued, q.inflight, q.spilledCount, q.consumers.length);
    for (const d of t.durables.values()) parts.push(d.queue.depth, d.queue.stats.dequeued, d.queue.inflight, d.queue.spilledCount, d.queue.consumers.length);
    parts.push("\n");
  }
  return parts.join(" ");
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
