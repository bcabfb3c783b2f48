/**
 * Virtual time for the HA simulator. Every timer, network delivery and disk completion is an event
 * in one queue ordered by (time, insertion order). After each event the promise chains it started
 * get a fixed number of microtask turns before the next event runs (a chain longer than that
 * simply continues during the next one, like a slow CPU). Nothing in the simulated code touches
 * real time or real I/O, so the whole run — the real async code under test included — happens in
 * an order fixed by the seed alone. (A setImmediate per event would drain everything, at ~20 µs
 * per event on a loaded machine: ten times the cost of a whole simulated step.)
 *
 * An event may belong to a node process: while that process is paused (SIGSTOP) its events wait
 * and run on resume in their original order; once it has crashed they are dropped.
 */
export interface EventOwner {
  /** False once the process this event belongs to has crashed. */
  readonly alive: boolean;
  readonly paused: boolean;
  /** Where events wait while paused. */
  readonly deferred: Array<() => void>;
}

interface Ev {
  time: number;
  seq: number;
  fn: () => void;
  owner: EventOwner | null;
}

const MICROTASK_TURNS = 24;

const settled = Promise.resolve();

async function flush(): Promise<void> {
  for (let i = 0; i < MICROTASK_TURNS; i++) await settled;
}

export class SimScheduler {
  now = 0;
  events = 0;
  private seq = 0;
  private readonly heap: Ev[] = [];

  at(time: number, fn: () => void, owner: EventOwner | null = null): void {
    this.push({ time: Math.max(time, this.now), seq: this.seq++, fn, owner });
  }

  after(ms: number, fn: () => void, owner: EventOwner | null = null): void {
    this.at(this.now + ms, fn, owner);
  }

  /** A promise resolved after `ms` of virtual time, as an event of `owner`. */
  sleep(ms: number, owner: EventOwner | null = null): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve, owner));
  }

  /** Runs the deferred events of a resumed process now, in order. */
  release(owner: EventOwner): void {
    const evs = owner.deferred.splice(0);
    for (const fn of evs) this.at(this.now, fn, owner);
  }

  /** Runs events up to virtual time `until`; `check` runs after each one and may throw. */
  async runUntil(until: number, check: () => void): Promise<void> {
    while (this.heap.length > 0 && this.heap[0]!.time <= until) {
      const ev = this.pop();
      this.now = ev.time;
      if (ev.owner) {
        if (!ev.owner.alive) continue;
        if (ev.owner.paused) {
          ev.owner.deferred.push(ev.fn);
          continue;
        }
      }
      this.events++;
      ev.fn();
      await flush();
      check();
    }
    this.now = Math.max(this.now, until);
  }

  private push(ev: Ev): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Ev {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Ev, b: Ev): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
