/**
 * Options of the failover transport, named and defaulted as ActiveMQ's FailoverTransport
 * (brokers.md §d.2) so an operator's existing URIs mean the same thing here.
 */
export interface FailoverOptions {
  initialReconnectDelay: number;
  maxReconnectDelay: number;
  useExponentialBackOff: boolean;
  backOffMultiplier: number;
  /** -1: forever; 0: one round, no retry after it; n > 0: n failed rounds. */
  maxReconnectAttempts: number;
  /** Like maxReconnectAttempts but only until the first successful connect; -1 defers to it. */
  startupMaxReconnectAttempts: number;
  warnAfterReconnectAttempts: number;
  randomize: boolean;
  /** ms a send may wait for a connection before it fails; -1 waits forever. */
  timeout: number;
  priorityBackup: boolean;
  /** Defaults to the first URI only. */
  priorityURIs: string[];
}

export const DEFAULT_FAILOVER_OPTIONS: Readonly<FailoverOptions> = Object.freeze({
  initialReconnectDelay: 10,
  maxReconnectDelay: 30_000,
  useExponentialBackOff: true,
  backOffMultiplier: 2,
  maxReconnectAttempts: -1,
  startupMaxReconnectAttempts: -1,
  warnAfterReconnectAttempts: 10,
  randomize: true,
  timeout: -1,
  priorityBackup: false,
  priorityURIs: [],
});

/** The limit that applies now (FailoverTransport#calculateReconnectAttemptLimit). */
export function reconnectAttemptLimit(o: FailoverOptions, firstConnection: boolean): number {
  if (firstConnection && o.startupMaxReconnectAttempts !== -1) return o.startupMaxReconnectAttempts;
  return o.maxReconnectAttempts;
}
