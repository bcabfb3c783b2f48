/**
 * The node's message-memory budget (ActiveMQ's memoryUsage). Past the limit, persistent bodies
 * stay on disk only and producers of non-persistent messages are paused until usage falls below
 * the resume mark — memory stays bounded instead of growing until the process dies.
 */
export class MemoryUsage {
  private used = 0;
  private receivingBytes = 0;
  private waiters: Array<() => void> = [];
  private receiveWaiters: Array<() => void> = [];
  /** Producers resume below this fraction of the limit, so they do not flap at the boundary. */
  private readonly resumeAt: number;
  blockedProducers = 0;

  constructor(readonly limit: number) {
    this.resumeAt = Math.floor(limit * 0.9);
  }

  get usage(): number {
    return this.used;
  }

  isFull(): boolean {
    return this.used >= this.limit;
  }

  /** True while new in-memory data should be refused or spilled (with a little headroom kept for paging). */
  isAbove(fraction: number): boolean {
    return this.used >= this.limit * fraction;
  }

  /** Bytes of frames still being received (part of usage): what clients are in the middle of sending. */
  get receivingUsage(): number {
    return this.receivingBytes;
  }

  /** Charges (or, negative, releases) bytes of incomplete incoming frames. */
  receiving(delta: number): void {
    this.receivingBytes += delta;
    if (delta >= 0) {
      this.increase(delta);
      return;
    }
    this.decrease(-delta);
    this.wakeReceivers();
  }

  /**
   * True when connections must stop reading the frames they are in the middle of: the node is at
   * its limit and frames being received hold at least half of it. Frames always count in usage
   * (so queues spill and non-persistent producers pause for them), but a store already full of
   * messages does not stall every large persistent SEND: those may still use the other half.
   */
  receivingFull(): boolean {
    return this.used >= this.limit && this.receivingBytes >= this.limit / 2;
  }

  /** Calls `resume` once receivingFull() is over, with hysteresis (at once if it already is). */
  whenReceivingAvailable(resume: () => void): void {
    if (this.receivingResumable()) resume();
    else this.receiveWaiters.push(resume);
  }

  private receivingResumable(): boolean {
    return this.used < this.resumeAt || this.receivingBytes < this.limit * 0.45;
  }

  private wakeReceivers(): void {
    if (this.receiveWaiters.length === 0 || !this.receivingResumable()) return;
    const waiters = this.receiveWaiters;
    this.receiveWaiters = [];
    for (const w of waiters) w();
  }

  increase(bytes: number): void {
    this.used += bytes;
  }

  decrease(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) this.used = 0;
    if (this.waiters.length > 0 && this.used < this.resumeAt) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
    this.wakeReceivers();
  }

  /** Calls `resume` once usage is below the resume mark (at once if it already is). */
  whenAvailable(resume: () => void): void {
    if (this.used < this.resumeAt) resume();
    else this.waiters.push(resume);
  }
}
