/**
 * The newest lines of one node's output, bounded both in count and in characters (a node that
 * logs a few huge records keeps fewer of them), oldest dropped first. A fixed-size circular array:
 * appending never copies the kept lines.
 */
export class LogRing<T extends { text: string }> {
  private readonly slots: Array<T | undefined>;
  private head = 0; // index of the oldest line
  private count = 0;
  private chars = 0;

  constructor(
    readonly maxLines: number,
    readonly maxChars: number,
  ) {
    if (maxLines < 1 || maxChars < 1) throw new Error("LogRing needs room for at least one line");
    this.slots = new Array<T | undefined>(maxLines);
  }

  get size(): number {
    return this.count;
  }

  get totalChars(): number {
    return this.chars;
  }

  push(line: T): void {
    if (this.count === this.maxLines) this.dropOldest();
    this.slots[(this.head + this.count) % this.maxLines] = line;
    this.count++;
    this.chars += line.text.length;
    // Keep at least the newest line, however long (it is capped where it is parsed).
    while (this.chars > this.maxChars && this.count > 1) this.dropOldest();
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.head + i) % this.maxLines]!;
    return out;
  }

  /** The newest `n` lines, oldest first. */
  last(n: number): T[] {
    const k = Math.min(n, this.count);
    const out: T[] = new Array<T>(k);
    for (let i = 0; i < k; i++) out[i] = this.slots[(this.head + this.count - k + i) % this.maxLines]!;
    return out;
  }

  private dropOldest(): void {
    const old = this.slots[this.head]!;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxLines;
    this.count--;
    this.chars -= old.text.length;
  }
}
