/**
 * One queue of a topic on this broker: the logical offsets [minOffset, maxOffset) index journal
 * positions (RocketMQ's ConsumeQueue, kept in memory: 3 numbers a message). `visible` trails
 * maxOffset by the messages whose sync policy has not held yet, so a consumer never reads a
 * message that a failover could take back.
 */
export class ConsumeQueue {
  minOffset = 0;
  positions: number[] = [];
  tags: number[] = [];
  times: number[] = [];
  /** Logical offset up to which messages may be pulled. */
  visible = 0;
  private waiters = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly queueId: number,
  ) {}

  get maxOffset(): number {
    return this.minOffset + this.positions.length;
  }

  /** Appends an index entry; returns its logical offset. */
  push(position: number, tag: number, time: number): number {
    this.positions.push(position);
    this.tags.push(tag);
    this.times.push(time);
    return this.maxOffset - 1;
  }

  /** Makes messages up to `end` readable and wakes the parked long polls. */
  reveal(end: number): void {
    if (end <= this.visible) return;
    this.visible = Math.min(end, this.maxOffset);
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Parks a long poll until reveal(); returns the cancel function. */
  park(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  positionAt(offset: number): number {
    return this.positions[offset - this.minOffset];
  }

  tagAt(offset: number): number {
    return this.tags[offset - this.minOffset];
  }

  /** Drops index entries below `offset` (retention). */
  trimTo(offset: number): void {
    const n = Math.min(Math.max(0, offset - this.minOffset), this.positions.length);
    if (n === 0) return;
    this.positions.splice(0, n);
    this.tags.splice(0, n);
    this.times.splice(0, n);
    this.minOffset += n;
    if (this.visible < this.minOffset) this.visible = this.minOffset;
  }

  /** First logical offset whose store time is >= ts (SEARCH_OFFSET_BY_TIMESTAMP). */
  offsetForTime(ts: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    return this.minOffset + lo;
  }

  wakeAll(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }
}
