/**
 * A growable ring buffer: O(1) push/shift/unshift. Dispatch takes from the head and
 * redelivery puts back at the head, which a plain array would make O(n).
 */
export class Deque<T> {
  private items: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(capacity = 16) {
    this.items = new Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
  }

  unshift(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = item;
    this.count++;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return item;
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) % this.items.length];
  }

  /** Inserts before position `index` (O(n); used to put redelivered messages back in order). */
  insertAt(index: number, item: T): void {
    if (index <= 0) {
      this.unshift(item);
      return;
    }
    if (index >= this.count) {
      this.push(item);
      return;
    }
    if (this.count === this.items.length) this.grow();
    const cap = this.items.length;
    for (let i = this.count; i > index; i--) {
      this.items[(this.head + i) % cap] = this.items[(this.head + i - 1) % cap];
    }
    this.items[(this.head + index) % cap] = item;
    this.count++;
  }

  /** Removes the item at `index` (O(n); used only on the selector / message-group slow path). */
  removeAt(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    if (index === 0) return this.shift();
    const cap = this.items.length;
    const item = this.items[(this.head + index) % cap];
    for (let i = index; i < this.count - 1; i++) {
      this.items[(this.head + i) % cap] = this.items[(this.head + i + 1) % cap];
    }
    this.items[(this.head + this.count - 1) % cap] = undefined;
    this.count--;
    return item;
  }

  /** Keeps only the items for which `keep` returns true; returns the removed ones. */
  filter(keep: (item: T) => boolean): T[] {
    const kept: T[] = [];
    const removed: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.head + i) % this.items.length] as T;
      (keep(item) ? kept : removed).push(item);
    }
    this.clear();
    for (const item of kept) this.push(item);
    return removed;
  }

  clear(): void {
    this.items = new Array(16);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.items.length] as T;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
