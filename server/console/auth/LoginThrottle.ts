import type { Logger } from "pino";

export interface LoginThrottlePolicy {
  /** Failures a key may have before it is locked (per user: a typo or two; per address: more, it may be a shared NAT). */
  freeFailuresPerUser: number;
  freeFailuresPerAddress: number;
  /** The first lock; each further failure doubles it, up to `maxLockMs`. */
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long is forgotten. */
  forgetAfterMs: number;
  /** Keys tracked at most (oldest forgotten first): memory stays bounded under a spray of names. */
  maxKeys: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeFailuresPerUser: 5,
  freeFailuresPerAddress: 20,
  baseLockMs: 1_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxKeys: 10_000,
};

interface KeyState {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/**
 * Login lock-out with back-off, per user name and per source address (OWASP's "account lockout"
 * with an exponentially growing lock instead of a permanent one). While a key is locked, logins
 * are refused before the password is checked — the right password too, or a guesser would learn
 * it from the one answer that differs. Kept in memory: a console restart forgets locks, and
 * several consoles sharing PostgreSQL each keep their own. It is a few counters; a library such as
 * rate-limiter-flexible would hold the same counters and still need this back-off around them.
 */
export class LoginThrottle {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;

  constructor(
    private readonly policy: LoginThrottlePolicy,
    private readonly logger: Logger,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  /** Milliseconds until a login for `username` from `address` may be tried; 0 when it may now. */
  retryAfterMs(username: string, address: string | null): number {
    const now = this.now();
    let wait = 0;
    for (const key of keysOf(username, address)) {
      const s = this.current(key, now);
      if (s) wait = Math.max(wait, s.lockedUntil - now);
    }
    return Math.max(0, wait);
  }

  /** A wrong password (or unknown user): counts against both keys; returns the new lock, if any. */
  failed(username: string, address: string | null): number {
    const now = this.now();
    let lockMs = 0;
    for (const key of keysOf(username, address)) {
      const s = this.current(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      s.failures++;
      s.lastFailure = now;
      const free = key.startsWith("user:") ? this.policy.freeFailuresPerUser : this.policy.freeFailuresPerAddress;
      if (s.failures >= free) {
        const ms = Math.min(this.policy.maxLockMs, this.policy.baseLockMs * 2 ** Math.min(s.failures - free, 30));
        s.lockedUntil = now + ms;
        lockMs = Math.max(lockMs, ms);
        this.logger.warn({ key, failures: s.failures, lockMs: ms }, "console login locked after repeated failures");
      }
      this.keys.delete(key); // re-insert: Map order is then least recently failed first
      this.keys.set(key, s);
    }
    while (this.keys.size > this.policy.maxKeys) this.keys.delete(this.keys.keys().next().value!);
    return lockMs;
  }

  /** A successful login clears the user's count (not the address's: one known account must not reset a guesser). */
  succeeded(username: string): void {
    this.keys.delete(`user:${username.toLowerCase()}`);
  }

  private current(key: string, now: number): KeyState | undefined {
    const s = this.keys.get(key);
    if (s && now - s.lastFailure > this.policy.forgetAfterMs && now >= s.lockedUntil) {
      this.keys.delete(key);
      return undefined;
    }
    return s;
  }
}

function keysOf(username: string, address: string | null): string[] {
  return address === null ? [`user:${username.toLowerCase()}`] : [`user:${username.toLowerCase()}`, `addr:${address}`];
}
