import type { FailoverOptions } from "./FailoverOptions";

/**
 * The back-off of FailoverTransport#doReconnect (brokers.md §d.3-4), pure so it can be tested
 * without sockets: after a round in which every URI failed, sleep `reconnectDelay`, then (in
 * exponential mode only) multiply it, capped at maxReconnectDelay. A successful connect resets
 * it to initialReconnectDelay.
 */
export class ReconnectSchedule {
  private delay: number;
  /** Rounds that failed since the last successful connect (ActiveMQ's connectFailures). */
  failures = 0;

  constructor(private readonly o: Pick<FailoverOptions, "initialReconnectDelay" | "maxReconnectDelay" | "useExponentialBackOff" | "backOffMultiplier">) {
    this.delay = o.initialReconnectDelay;
  }

  /** Records a failed round; returns how long to sleep before the next one. */
  failedRound(): number {
    this.failures++;
    const sleep = Math.min(this.delay, this.o.maxReconnectDelay);
    if (this.o.useExponentialBackOff) this.delay = Math.min(this.delay * this.o.backOffMultiplier, this.o.maxReconnectDelay);
    return sleep;
  }

  reset(): void {
    this.delay = this.o.initialReconnectDelay;
    this.failures = 0;
  }
}

/**
 * The URIs one round tries, in order (FailoverTransport#getConnectList): deduplicated, shuffled by
 * random swaps when `randomize`, and the URI that failed last moved to the end so a round does
 * not start with the broker that just went away.
 */
export function connectOrder(uris: readonly string[], randomize: boolean, lastFailed: string | null, random: () => number = Math.random): string[] {
  const list = [...new Set(uris)];
  if (randomize) {
    for (let i = 0; i < list.length; i++) {
      const p = Math.floor(random() * list.length);
      const t = list[i]!;
      list[i] = list[p]!;
      list[p] = t;
    }
  }
  if (lastFailed !== null && list.length > 1) {
    const at = list.indexOf(lastFailed);
    if (at !== -1) {
      list.splice(at, 1);
      list.push(lastFailed);
    }
  }
  return list;
}
