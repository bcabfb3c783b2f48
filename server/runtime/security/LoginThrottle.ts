/** How failed logins from one source address are slowed down (policy fields loginFailures*). */
export interface LoginThrottleOptions {
  /** Failures an address may have before it must wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  backoffMs: number;
  backoffMaxMs: number;
  /** Addresses remembered at most (the oldest is forgotten first), so spoofed floods cannot grow it. */
  maxAddresses?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/**
 * Failed-login back-off per source address (nginx's limit_req, fail2ban's idea, in-process).
 * Pure: the caller passes the clock. An address with more than `freeFailures` failures is
 * locked for backoff·2^(extra failures − 1), capped; an address that stays quiet for
 * backoffMaxMs after its lock ends starts afresh. A success does not clear the count: one valid
 * account must not reset the back-off of a client guessing the passwords of others.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly maxAddresses: number;

  constructor(private readonly o: LoginThrottleOptions) {
    this.maxAddresses = o.maxAddresses ?? 10_000;
  }

  /** Milliseconds `address` must still wait before its next login is checked (0: go ahead). */
  waitMs(address: string, now: number): number {
    const e = this.live(address, now);
    return e ? Math.max(0, e.lockedUntil - now) : 0;
  }

  failed(address: string, now: number): void {
    let e = this.live(address, now);
    if (!e) {
      if (this.entries.size >= this.maxAddresses) this.entries.delete(this.entries.keys().next().value as string);
      e = { failures: 0, lockedUntil: 0, lastFailure: now };
      this.entries.set(address, e);
    }
    e.failures++;
    e.lastFailure = now;
    const extra = e.failures - this.o.freeFailures;
    if (extra > 0) e.lockedUntil = now + Math.min(this.o.backoffMaxMs, this.o.backoffMs * 2 ** Math.min(extra - 1, 30));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The address's entry unless it has expired (quiet for backoffMaxMs after its last failure or lock). */
  private live(address: string, now: number): Entry | undefined {
    const e = this.entries.get(address);
    if (!e) return undefined;
    if (now - Math.max(e.lastFailure, e.lockedUntil) > this.o.backoffMaxMs) {
      this.entries.delete(address);
      return undefined;
    }
    return e;
  }
}
