/**
 * The node's message-memory budget (ActiveMQ's memoryUsage). Past the limit, persistent bodies
 * stay on disk only and producers of non-persistent messages are paused until usage falls below
 * the resume mark — memory stays bounded instead of growing until the process dies.
 */
export class MemoryUsage {
  private used = 0;
  private receivingBytes = 0;
  private waiters: Array<() => void> = [];
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
    if (delta >= 0) this.increase(delta);
    else this.decrease(-delta);
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
  }

  /** Calls `resume` once usage is below the resume mark (at once if it already is). */
  whenAvailable(resume: () => void): void {
    if (this.used < this.resumeAt) resume();
    else this.waiters.push(resume);
  }
}
