/**
 * When the supervisor restarts a node that exited on its own — systemd's `Restart=on-failure`
 * with `RestartSec`, `RestartSteps`/`RestartMaxDelaySec` (exponential back-off up to a cap):
 * the first restart after `initialDelayMs`, each further consecutive failure doubles it, up to
 * `maxDelayMs`. A process that ran `stableAfterMs` or longer before it failed starts the series
 * again (one crash a day is not a crash loop).
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, stableAfterMs: 60_000 };

/**
 * systemd's definition of "failure" for Restart=on-failure: a non-zero exit code, or death by a
 * signal other than the clean ones (SIGHUP, SIGINT, SIGTERM, SIGPIPE).
 */
export function isFailure(code: number | null, signal: string | null): boolean {
  if (signal !== null) return !["SIGHUP", "SIGINT", "SIGTERM", "SIGPIPE"].includes(signal);
  return code !== 0;
}

/**
 * The consecutive-failure count after this exit and the delay before the next start.
 * `failuresBefore` is the count before it; `ranMs` how long the process ran.
 */
export function nextRestart(policy: RestartPolicy, failuresBefore: number, ranMs: number): { failures: number; delayMs: number } {
  const failures = (ranMs >= policy.stableAfterMs ? 0 : failuresBefore) + 1;
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(failures - 1, 30));
  return { failures, delayMs };
}
