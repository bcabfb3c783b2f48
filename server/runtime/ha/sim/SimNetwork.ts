import type { SimRandom } from "./SimRandom";

/**
 * Which links are up and how long a message takes. Links are TCP-like: FIFO per connection, so
 * messages reorder only across connections (the random delays do that); a "drop" breaks a
 * connection rather than losing one message in the middle of a stream. Partitions cut a node's
 * link to its peers, to the coordinator, or both; a delay spike slows every delivery for a while.
 */
export class SimNetwork {
  private readonly cutZk = new Set<string>();
  private readonly cutPeers = new Map<string, number>();
  private spikeUntil = 0;
  private spikeMs = 0;

  constructor(
    private readonly rnd: SimRandom,
    private readonly clock: () => number,
  ) {}

  zkUp(node: string): boolean {
    return !this.cutZk.has(node);
  }

  peerUp(a: string, b: string): boolean {
    return !this.cutPeers.has(a) && !this.cutPeers.has(b);
  }

  cut(node: string, scope: "all" | "peers" | "coordinator"): void {
    if (scope !== "peers") this.cutZk.add(node);
    if (scope !== "coordinator") this.cutPeers.set(node, 1);
  }

  heal(node: string): void {
    this.cutZk.delete(node);
    this.cutPeers.delete(node);
  }

  healAll(): void {
    this.cutZk.clear();
    this.cutPeers.clear();
    this.spikeUntil = 0;
  }

  spike(ms: number, forMs: number): void {
    this.spikeMs = ms;
    this.spikeUntil = this.clock() + forMs;
  }

  /** One-way latency of a message sent now. */
  delay(): number {
    const base = this.rnd.chance(0.05) ? this.rnd.int(5, 40) : this.rnd.int(0, 3) + this.rnd.next();
    return this.clock() < this.spikeUntil ? base + this.rnd.int(0, this.spikeMs) : base;
  }
}

/**
 * One direction of one connection: deliveries keep their send order (a later message never
 * overtakes an earlier one, whatever delay it drew).
 */
export class FifoChannel {
  private last = 0;

  constructor(private readonly clock: () => number) {}

  /** Delivery time for a message sent now with latency `d`. */
  deliverAt(d: number): number {
    this.last = Math.max(this.last, this.clock() + d);
    return this.last;
  }
}
