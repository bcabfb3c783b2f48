// A tiny raw-socket STOMP client for byte-level end-to-end tests. It uses the broker's own
// incremental parser and encoder, but nothing else of the server: every frame crosses a real TCP
// socket, and tests can write arbitrary bytes (garbage, half frames) when they need to.
import { connect, type Socket } from "node:net";
import { encodeFrame } from "../../server/runtime/stomp/encodeFrame";
import { getHeader, type StompFrame, type StompHeaders, type StompVersion } from "../../server/runtime/stomp/StompFrame";
import { StompParser } from "../../server/runtime/stomp/StompParser";

/**
 * Default deadline for a frame, a close or a condition. Generous: a RECEIPT can wait for an fsync
 * (persistent SENDs, thousands pipelined) on a loaded CI machine; a wait that succeeds costs nothing.
 */
const DEFAULT_WAIT_MS = 15_000;

interface Waiter {
  resolve: () => void;
}

/**
 * One TCP connection to a broker. Frames the server sends are queued; `nextFrame` takes them in
 * order. Heart-beats (bare EOLs between frames) are counted. A parse error on the client side is
 * remembered and fails every later `nextFrame`, because it means the broker wrote a broken frame.
 */
export class StompTestClient {
  readonly frames: StompFrame[] = [];
  heartbeats = 0;
  closed = false;
  /** Socket errors seen (EPIPE/ECONNRESET are normal when the broker drops us mid-write). */
  readonly socketErrors: Error[] = [];
  parseError: string | null = null;
  version: StompVersion = "1.0";
  /** The `session` header of CONNECTED, when connected. */
  session = "";
  private readonly parser = new StompParser({
    maxFrameSize: 64 * 1024 * 1024,
    maxHeaders: 100_000,
    maxHeaderLineLength: 16 * 1024 * 1024,
  });
  private waiters: Waiter[] = [];
  private receiptCounter = 0;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.socketErrors.push(err));
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Opens the TCP connection only (no CONNECT frame). */
  static open(port: number, host = "127.0.0.1"): Promise<StompTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.setNoDelay(true);
      const onError = (err: Error): void => reject(err);
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        resolve(new StompTestClient(socket));
      });
    });
  }

  private onData(chunk: Buffer): void {
    if (this.parseError) return;
    for (const ev of this.parser.push(chunk)) {
      if (ev.kind === "frame") {
        this.frames.push(ev.frame);
        if (ev.frame.command === "CONNECTED") {
          const v = getHeader(ev.frame, "version");
          if (v === "1.1" || v === "1.2") this.setVersion(v);
        }
      } else if (ev.kind === "heartbeat") this.heartbeats++;
      else this.parseError = `${ev.code}: ${ev.message}`;
    }
    this.wake();
  }

  private setVersion(v: StompVersion): void {
    this.version = v;
    this.parser.version = v;
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.resolve();
  }

  private changed(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const w: Waiter = { resolve: () => { clearTimeout(t); resolve(true); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Writes raw bytes; returns false when the socket is already gone. */
  write(data: Buffer | string): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return false;
    this.socket.write(data);
    return true;
  }

  /** Encodes and writes one frame in this connection's negotiated version (escaping applies from 1.1). */
  sendFrame(command: string, headers: StompHeaders = [], body?: Buffer | string): void {
    const b = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    this.write(encodeFrame(command, headers, b, this.version));
  }

  /** Takes the next frame, waiting up to `timeoutMs`; throws on timeout, close or a client-side parse error. */
  async nextFrame(timeoutMs = DEFAULT_WAIT_MS): Promise<StompFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.parseError) throw new Error(`broker sent a frame the parser rejects: ${this.parseError}`);
      const f = this.frames.shift();
      if (f) return f;
      if (this.closed) throw new Error("connection closed while waiting for a frame");
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.changed(left))) {
        if (this.frames.length > 0) continue;
        throw new Error(`no frame within ${timeoutMs} ms`);
      }
    }
  }

  /** Next frame, which must have `command` (an ERROR instead is reported with its message). */
  async expect(command: string, timeoutMs = DEFAULT_WAIT_MS): Promise<StompFrame> {
    const f = await this.nextFrame(timeoutMs);
    if (f.command !== command) {
      throw new Error(
        `expected ${command}, got ${f.command} ${JSON.stringify(f.headers)} ${f.body.toString("utf8", 0, 200)}`,
      );
    }
    return f;
  }

  /** Waits until the server has closed the connection (after reading what is left). */
  async waitClosed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.changed(left))) {
        if (this.closed) return;
        throw new Error(`connection still open after ${timeoutMs} ms`);
      }
    }
  }

  /** Waits until `pred` holds (re-checked on every inbound byte), up to `timeoutMs`. */
  async waitUntil(pred: () => boolean, timeoutMs = DEFAULT_WAIT_MS, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} not reached within ${timeoutMs} ms`);
      await this.changed(Math.min(left, 100));
    }
  }

  /**
   * A round trip: sends a frame with a fresh receipt and returns every frame that arrived before
   * its RECEIPT. Because the broker writes frames to one socket in order, this is a deterministic
   * way to ask "what has been dispatched to me so far?" without sleeping.
   */
  async sync(command = "BEGIN", headers?: StompHeaders): Promise<StompFrame[]> {
    const id = `sync-${++this.receiptCounter}`;
    const h: StompHeaders = headers ?? [["transaction", `tx-${id}`]];
    this.sendFrame(command, [...h, ["receipt", id]]);
    const before: StompFrame[] = [];
    for (;;) {
      const f = await this.nextFrame();
      if (f.command === "RECEIPT" && getHeader(f, "receipt-id") === id) break;
      before.push(f);
    }
    if (command === "BEGIN") this.sendFrame("ABORT", h);
    return before;
  }

  /** A fresh receipt id for this connection. */
  nextReceipt(): string {
    return `r-${++this.receiptCounter}`;
  }

  /**
   * Sends a frame with a receipt header and waits for its RECEIPT. MESSAGE frames that arrive
   * first (a SEND to a queue this connection consumes is dispatched before its receipt) are put
   * back, in order, for the next `nextFrame`; any other frame first (ERROR, a stray RECEIPT) fails.
   */
  async request(command: string, headers: StompHeaders, body?: Buffer | string): Promise<void> {
    const id = this.nextReceipt();
    this.sendFrame(command, [...headers, ["receipt", id]], body);
    const aside: StompFrame[] = [];
    try {
      for (;;) {
        const f = await this.nextFrame();
        if (f.command === "MESSAGE") {
          aside.push(f);
          continue;
        }
        const got = getHeader(f, "receipt-id");
        if (f.command !== "RECEIPT" || got !== id) {
          throw new Error(`expected RECEIPT ${id}, got ${f.command} ${JSON.stringify(f.headers)} ${f.body.toString("utf8", 0, 200)}`);
        }
        return;
      }
    } finally {
      this.frames.unshift(...aside);
    }
  }

  /** Polite close: DISCONNECT with receipt, wait for it, end the socket. */
  async disconnect(): Promise<void> {
    if (!this.closed) {
      const id = this.nextReceipt();
      this.sendFrame("DISCONNECT", [["receipt", id]]);
      try {
        await this.waitUntil(() => this.frames.some((f) => f.command === "RECEIPT" && getHeader(f, "receipt-id") === id) || this.closed);
      } finally {
        this.socket.end();
      }
    }
    await this.waitClosed().catch(() => this.socket.destroy());
  }

  /** Abrupt close from our side (a crashed client: no DISCONNECT, RST). */
  destroy(): void {
    this.socket.resetAndDestroy();
  }
}

export interface ConnectOptions {
  /** accept-version; default "1.2". */
  acceptVersion?: string;
  /** Extra CONNECT headers (heart-beat, client-id, login …). */
  headers?: StompHeaders;
  host?: string;
}

/** Opens a socket, sends CONNECT, and waits for CONNECTED (throws with the ERROR text otherwise). */
export async function connectStomp(port: number, options: ConnectOptions = {}): Promise<StompTestClient> {
  const c = await StompTestClient.open(port, options.host);
  const headers: StompHeaders = [
    ["accept-version", options.acceptVersion ?? "1.2"],
    ["host", "localhost"],
    ...(options.headers ?? []),
  ];
  c.sendFrame("CONNECT", headers);
  const f = await c.expect("CONNECTED");
  c.session = getHeader(f, "session") ?? "";
  return c;
}

/** The first value of header `name`, or throws: for assertions that need the value. */
export function header(frame: StompFrame, name: string): string {
  const v = getHeader(frame, name);
  if (v === undefined) throw new Error(`${frame.command} frame has no ${name} header: ${JSON.stringify(frame.headers)}`);
  return v;
}

export { getHeader };
