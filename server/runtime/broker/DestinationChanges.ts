import { randomBytes } from "node:crypto";

/** Something whose counters the admin API reports: a queue, or a topic (for all its subscriptions). */
export interface ChangeMark {
  /** The node's change sequence number at this destination's last change (0: never). */
  changeSeq: number;
}

/** Deleted destinations remembered for cursors that have not seen the deletion yet. */
const MAX_TOMBSTONES = 10_000;

/**
 * The node's destination change sequence: one counter for the whole broker, and on each
 * destination the counter's value at its last change. A reader keeps a cursor (the counter value
 * it has seen up to) and asks for what changed after it (admin GET /destination-changes), so the
 * console's metric recorder learns of every destination that moved — however many there are and
 * however shallow they are — while an idle node answers with nothing. Bumping costs one increment
 * and one store on the message path; the scan for changed destinations happens only when asked.
 *
 * Cursors are only meaningful within one incarnation (one Broker: a restart or a new term starts
 * the counter again), so a cursor carries the incarnation and one from another is refused as such.
 */
export class DestinationChanges {
  /** Names this broker instance; a new master or a restarted node has another. */
  readonly incarnation = randomBytes(6).toString("hex");
  private counter = 0;
  /** Deleted destination → sequence number of its deletion, oldest first (Map insertion order). */
  private readonly tombstones = new Map<string, number>();
  /** The newest deletion forgotten: a cursor older than this may have missed one. */
  private forgottenUpTo = 0;

  constructor(private readonly maxTombstones = MAX_TOMBSTONES) {}

  /** The sequence number of the newest change. */
  get seq(): number {
    return this.counter;
  }

  touch(mark: ChangeMark): void {
    mark.changeSeq = ++this.counter;
  }

  /** A destination listed by the admin API went away. */
  deleted(name: string): void {
    this.tombstones.delete(name); // re-inserted at the end: the map stays in deletion order
    this.tombstones.set(name, ++this.counter);
    if (this.tombstones.size > this.maxTombstones) {
      const [oldest, seq] = this.tombstones.entries().next().value as [string, number];
      this.tombstones.delete(oldest);
      this.forgottenUpTo = seq;
    }
  }

  /** A destination (re)appeared: a deletion recorded under its name no longer stands. */
  created(name: string): void {
    this.tombstones.delete(name);
  }

  /** Deletions after `after`, in sequence order. */
  deletedAfter(after: number): Array<{ name: string; seq: number }> {
    const out: Array<{ name: string; seq: number }> = [];
    for (const [name, seq] of this.tombstones) if (seq > after) out.push({ name, seq });
    return out;
  }

  /** Whether a reader at `after` can be answered incrementally (no deletion it needs was forgotten). */
  remembers(after: number): boolean {
    return after >= this.forgottenUpTo && after <= this.counter;
  }

  cursorOf(seq: number): string {
    return `${this.incarnation}.${seq}`;
  }

  /** The sequence number a cursor stands for, or null when it belongs to another incarnation or is malformed. */
  parseCursor(cursor: string): number | null {
    const dot = cursor.lastIndexOf(".");
    if (dot < 0 || cursor.slice(0, dot) !== this.incarnation) return null;
    const text = cursor.slice(dot + 1);
    if (!/^\d{1,15}$/.test(text)) return null;
    return Number(text);
  }
}
