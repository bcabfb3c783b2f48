import type { Socket } from "node:net";
import { TurnCork } from "../net/TurnCork";
import type { StompTransport } from "./StompTransport";

/** A STOMP transport over a TCP (or TLS) socket. */
export class TcpTransport implements StompTransport {
  readonly remoteAddress: string;

  constructor(
    private readonly socket: Socket,
    readonly kind: "tcp" | "tls" = "tcp",
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? 0}`;
    // Frames are written whole; Nagle would only add latency to receipts.
    socket.setNoDelay(true);
    this.cork = new TurnCork(socket);
  }

  private readonly cork: TurnCork;

  /** Frames written in one turn leave in one system call (a dispatch pass writes many MESSAGEs). */
  write(data: Buffer): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return false;
    this.cork.hold();
    return this.socket.write(data);
  }

  pendingBytes(): number {
    return this.socket.writableLength;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    // A peer that never reads must not keep a closing socket (and its buffers) alive.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
