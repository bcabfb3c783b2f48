import { isUtf8 } from "node:buffer";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import type { StompTransport } from "./StompTransport";

/** Above this many queued bytes write() reports back-pressure (the socket's default high-water mark). */
const HIGH_WATER = 64 * 1024;

/**
 * A STOMP transport over one WebSocket (STOMP-over-WebSocket: each STOMP frame — or heart-beat
 * EOL — travels as one WebSocket message). Frames that are valid UTF-8 go as text messages,
 * others as binary: browser clients and stompjs read both, and text frames stay readable in
 * browser dev tools.
 */
export class WsTransport implements StompTransport {
  readonly kind: "ws" | "wss";

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded TCP socket, for remote address and read pausing. */
    private readonly socket: Socket,
    readonly remoteAddress: string,
    kind: "ws" | "wss" = "ws",
  ) {
    this.kind = kind;
    socket.setNoDelay(true);
  }

  write(data: Buffer): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(data, { binary: !isUtf8(data) });
    return this.ws.bufferedAmount < HIGH_WATER;
  }

  pendingBytes(): number {
    return this.ws.bufferedAmount;
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  end(): void {
    if (this.ws.readyState === this.ws.CLOSED || this.ws.readyState === this.ws.CLOSING) return;
    // 1000 after an ERROR frame too: the STOMP ERROR already says why; the close code is only transport.
    this.ws.close(1000);
    // A peer that never answers the close handshake must not keep the socket alive.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }

  destroy(): void {
    this.ws.terminate();
  }

  /** The TCP socket under the WebSocket (its `drain` event resumes dispatch). */
  get rawSocket(): Socket {
    return this.socket;
  }
}
