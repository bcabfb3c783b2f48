// Test support (not used at runtime), after aedes' test helpers: a STOMP transport in memory whose
// writes can be blocked, so dispatch, backpressure and acknowledgements are tested against the
// real Broker and StompConnection without sockets or processes.
import { StompParser } from "../stomp/StompParser";
import type { StompFrame } from "../stomp/StompFrame";
import type { StompTransport } from "../stomp/StompTransport";

export class MemoryTransport implements StompTransport {
  readonly kind = "tcp";
  /** Frames the peer has received (decoded), in order. */
  readonly frames: StompFrame[] = [];
  ended = false;
  paused = false;
  /** While true, writes queue up unread (a slow or stalled peer); write() answers false. */
  private blocked = false;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private readonly parser = new StompParser({ maxFrameSize: 1 << 24, maxHeaders: 1000, maxHeaderLineLength: 1 << 16 });

  constructor(readonly remoteAddress = "127.0.0.1:40000") {
    this.parser.version = "1.2"; // header values are escaped from CONNECTED on
  }

  write(data: Buffer): boolean {
    if (this.ended) return false;
    if (this.blocked) {
      this.queued.push(data);
      this.queuedBytes += data.length;
      return false;
    }
    this.read(data);
    return true;
  }

  pendingBytes(): number {
    return this.queuedBytes;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  end(): void {
    this.ended = true;
  }

  destroy(): void {
    this.ended = true;
  }

  /** The peer stops reading: from now on writes wait in the transport's buffer. */
  block(): void {
    this.blocked = true;
  }

  /** The peer reads everything queued; the caller then tells the connection (conn.drained()), as a socket's "drain" would. */
  unblock(): void {
    this.blocked = false;
    const queued = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    for (const b of queued) this.read(b);
  }

  /** Frames received with this command. */
  received(command: string): StompFrame[] {
    return this.frames.filter((f) => f.command === command);
  }

  private read(data: Buffer): void {
    for (const ev of this.parser.push(data)) if (ev.kind === "frame") this.frames.push(ev.frame);
  }
}

/** One STOMP frame as a client sends it. */
export function clientFrame(command: string, headers: Array<[string, string]>, body = ""): Buffer {
  return Buffer.from(`${command}\n${headers.map(([k, v]) => `${k}:${v}\n`).join("")}\n${body}\0`);
}

export const headerOf = (f: StompFrame, name: string): string | undefined => f.headers.find(([k]) => k === name)?.[1];
