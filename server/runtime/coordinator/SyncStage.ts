// Stage 2 (ZooKeeper's SyncRequestProcessor): makes txns durable before anything behind them
// moves on. Requests queue in arrival order; one flush writes every txn queued so far with a
// single writev + fdatasync (group commit), then hands the whole batch, reads included, to the
// final stage in order. While a flush is running, new requests wait for the next one.
import type { Request } from "./Request";
import type { Summary } from "./ServerStats";
import type { Stage } from "./PrepStage";
import { encodeTxn } from "./txn";
import type { TxnLog } from "./TxnLog";

export class SyncStage implements Stage {
  private queue: Request[] = [];
  private flushing = false;
  private scheduled = false;
  private rollRequested = false;
  private idleWaiters: (() => void)[] = [];
  private failed: Error | null = null;
  private inFlight = 0;

  constructor(
    private readonly log: TxnLog,
    private readonly next: Stage,
    private readonly onFatal: (err: Error) => void,
    /** Where each group commit's write + fdatasync time (ms) is recorded (mntr's zk_*_fsynctime). */
    private readonly fsyncTime?: Summary,
  ) {}

  /** Requests handed to this stage and not yet passed on (mntr's zk_outstanding_requests). */
  outstanding(): number {
    return this.queue.length + this.inFlight;
  }

  submit(req: Request): void {
    if (this.failed) return; // the server is going down; nothing may be acknowledged any more
    if (!this.flushing && !this.scheduled && this.queue.length === 0 && req.txn === null) {
      this.next.submit(req); // nothing ahead of this read: no need to wait
      return;
    }
    this.queue.push(req);
    if (!this.flushing && !this.scheduled) {
      this.scheduled = true;
      // Let the rest of this I/O turn's requests join the batch.
      setImmediate(() => void this.flush());
    }
  }

  /** Start a new log file before the next batch (after a snapshot, so old files can go). */
  requestRoll(): void {
    this.rollRequested = true;
  }

  activeLogFile(): string {
    return this.log.file();
  }

  /** Resolves once everything submitted so far has passed to the final stage. */
  idle(): Promise<void> {
    if (!this.flushing && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.failed) {
        const batch = this.queue;
        this.queue = [];
        this.inFlight = batch.length;
        const records: Buffer[] = [];
        for (const r of batch) if (r.txn) records.push(encodeTxn(r.txn));
        if (records.length > 0) {
          if (this.rollRequested) {
            this.rollRequested = false;
            const first = batch.find((r) => r.txn)!.txn!.zxid;
            await this.log.roll(first);
          }
          const started = performance.now();
          await this.log.append(records);
          this.fsyncTime?.add(Math.round(performance.now() - started));
        }
        this.inFlight = 0;
        for (const r of batch) this.next.submit(r);
      }
    } catch (e) {
      this.failed = e instanceof Error ? e : new Error(String(e));
      this.queue = [];
      this.inFlight = 0;
      this.onFatal(this.failed);
    } finally {
      this.flushing = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
