// Session liveness (ZooKeeper's SessionTrackerImpl): which sessions exist, when each expires,
// which are closing. Any packet touches a session; a session that is not touched for its
// timeout expires, regardless of whether its socket is still open (section 1.(a)9).
// Sessions themselves are durable (createSession/closeSession txns); this is the runtime view.
import { createHmac } from "node:crypto";

interface Entry {
  timeout: number;
  expiresAt: number;
  closing: boolean;
}

export class SessionTracker {
  private readonly sessions = new Map<bigint, Entry>();
  private nextId: bigint;

  constructor(
    private readonly secret: Buffer,
    nowMs: number,
    serverId = 0n,
  ) {
    // Section 1.(a)13: (serverId<<56) | ((now_ms<<24)>>>8), then +1 per session.
    const t = BigInt.asUintN(64, BigInt(nowMs) << 24n) >> 8n;
    this.nextId = BigInt.asIntN(64, (serverId << 56n) | t);
  }

  newSessionId(): bigint {
    const id = this.nextId;
    this.nextId = BigInt.asIntN(64, this.nextId + 1n);
    return id;
  }

  /** The 16-byte password of a session, derived so it survives restarts without being logged. */
  passwordFor(sessionId: bigint): Buffer {
    const id = Buffer.allocUnsafe(8);
    id.writeBigInt64BE(sessionId);
    return createHmac("sha256", this.secret).update(id).digest().subarray(0, 16);
  }

  add(sessionId: bigint, timeout: number, now: number): void {
    this.sessions.set(sessionId, { timeout, expiresAt: now + timeout, closing: false });
    if (sessionId >= this.nextId) this.nextId = sessionId + 1n;
  }

  /** Extends a live session's deadline; false if it is unknown or already closing. */
  touch(sessionId: bigint, now: number): boolean {
    const e = this.sessions.get(sessionId);
    if (!e || e.closing) return false;
    e.expiresAt = now + e.timeout;
    return true;
  }

  setTimeout(sessionId: bigint, timeout: number, now: number): void {
    const e = this.sessions.get(sessionId);
    if (e) {
      e.timeout = timeout;
      e.expiresAt = now + timeout;
    }
  }

  isActive(sessionId: bigint): boolean {
    const e = this.sessions.get(sessionId);
    return e !== undefined && !e.closing;
  }

  timeoutOf(sessionId: bigint): number | undefined {
    return this.sessions.get(sessionId)?.timeout;
  }

  setClosing(sessionId: bigint): void {
    const e = this.sessions.get(sessionId);
    if (e) e.closing = true;
  }

  remove(sessionId: bigint): void {
    this.sessions.delete(sessionId);
  }

  /** Pushes every live session's deadline back by `ms` (the server could not hear them meanwhile). */
  extendAll(ms: number): void {
    for (const e of this.sessions.values()) if (!e.closing) e.expiresAt += ms;
  }

  /** The earliest deadline of a session not yet closing (null: none): when the next expiry check is due. */
  nextDeadline(): number | null {
    let next: number | null = null;
    for (const e of this.sessions.values()) if (!e.closing && (next === null || e.expiresAt < next)) next = e.expiresAt;
    return next;
  }

  /** Sessions past their deadline and not yet closing. */
  expired(now: number): bigint[] {
    const out: bigint[] = [];
    for (const [id, e] of this.sessions) if (!e.closing && e.expiresAt <= now) out.push(id);
    return out;
  }

  size(): number {
    return this.sessions.size;
  }
}
