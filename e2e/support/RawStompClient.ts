// A minimal, fast STOMP 1.2 client over net.Socket for crash tests and benchmarks. It reuses the
// server's pure codec (StompParser / encodeFrame) so a load generator costs little CPU, and it
// exposes the raw frames: tests need to see exactly which RECEIPT arrived before a crash.
import { connect as netConnect, type Socket } from "node:net";
import { encodeFrame } from "../../server/runtime/stomp/encodeFrame";
import { getHeader, type StompFrame, type StompHeaders } from "../../server/runtime/stomp/StompFrame";
import { StompParser } from "../../server/runtime/stomp/StompParser";

export type AckMode = "auto" | "client" | "client-individual";

export interface RawStompClientOptions {
  port: number;
  host?: string;
  /** CONNECT's `host` header (a virtual host: RabbitMQ refuses one it does not have); default "tandem". */
  virtualHost?: string;
  /** Largest frame accepted from the broker. */
  maxFrameSize?: number;
  login?: string;
  passcode?: string;
}

/**
 * One STOMP connection. Writes are corked for the rest of the current tick so that a pipelined
 * producer puts many frames in one TCP segment (the load generator must not be the bottleneck).
 * `onMessage` sees every MESSAGE; receipts resolve per id; the connection's end is `closed`.
 */
export class RawStompClient {
  onMessage: ((frame: StompFrame) => void) | null = null;
  /** Resolves when the socket is gone, with the error (or ERROR frame text) that ended it, if any. */
  readonly closed: Promise<Error | null>;
  private readonly receipts = new Map<string, () => void>();
  private corked = false;
  private ended = false;
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly parser: StompParser,
  ) {
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.ended = true;
        // Pending receipts will never come: wake nobody, but drop them so callers see `isOpen`.
        this.receipts.clear();
        resolve(this.failure);
      });
    });
  }

  /** Connects, sends CONNECT (1.2) and waits for CONNECTED. */
  static async connect(options: RawStompClientOptions): Promise<RawStompClient> {
    const socket = netConnect({ port: options.port, host: options.host ?? "127.0.0.1" });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const parser = new StompParser({
      maxFrameSize: options.maxFrameSize ?? 16 * 1024 * 1024,
      maxHeaders: 1000,
      maxHeaderLineLength: 64 * 1024,
    });
    const client = new RawStompClient(socket, parser);
    const connected = new Promise<void>((resolve, reject) => {
      client.onConnected = resolve;
      void client.closed.then((err) => reject(err ?? new Error("connection closed before CONNECTED"))); // closed never rejects
    });
    socket.on("data", (chunk: Buffer) => client.receive(chunk));
    socket.on("error", (err) => {
      client.failure ??= err;
    });
    const connectHeaders: StompHeaders = [["accept-version", "1.2"], ["host", options.virtualHost ?? "tandem"], ["heart-beat", "0,0"]];
    if (options.login !== undefined) connectHeaders.push(["login", options.login], ["passcode", options.passcode ?? ""]);
    socket.write(encodeFrame("CONNECT", connectHeaders, undefined, "1.2"));
    await connected;
    parser.version = "1.2";
    return client;
  }

  private onConnected: (() => void) | null = null;

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Bytes waiting in the socket's user-space buffer: producers pause above a bound. */
  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  /** Resolves once the socket buffer drained (or the socket closed). */
  waitDrain(): Promise<void> {
    if (this.ended || this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.once("drain", done);
      this.socket.once("close", done);
    });
  }

  /**
   * Writes one frame. With `receipt`, `onReceipt` runs when the broker's RECEIPT arrives (never,
   * if the connection dies first). Returns false when the connection is already gone.
   */
  frame(command: string, headers: StompHeaders, body?: Buffer, receipt?: string, onReceipt?: () => void): boolean {
    if (this.ended) return false;
    if (receipt !== undefined) {
      headers.push(["receipt", receipt]);
      if (onReceipt) this.receipts.set(receipt, onReceipt);
    }
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeFrame(command, headers, body, "1.2"));
    return true;
  }

  /** Same as frame() but resolves on the RECEIPT; rejects if the connection closes first. */
  request(command: string, headers: StompHeaders, receipt: string, body?: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.frame(command, headers, body, receipt, resolve)) reject(new Error("connection is closed"));
      void this.closed.then((err) => reject(err ?? new Error(`connection closed before RECEIPT ${receipt}`)));
    });
  }

  subscribe(destination: string, id: string, ack: AckMode, prefetch?: number, selector?: string): Promise<void> {
    const headers: StompHeaders = [["destination", destination], ["id", id], ["ack", ack]];
    if (prefetch !== undefined) headers.push(["activemq.prefetchSize", String(prefetch)]);
    if (selector !== undefined) headers.push(["selector", selector]);
    return this.request("SUBSCRIBE", headers, `sub-${id}`);
  }

  /** ACK by the MESSAGE's `ack` header (STOMP 1.2). */
  ack(message: StompFrame, receipt?: string, onReceipt?: () => void): boolean {
    const id = getHeader(message, "ack");
    if (id === undefined) throw new Error("MESSAGE has no ack header (auto-ack subscription?)");
    return this.frame("ACK", [["id", id]], undefined, receipt, onReceipt);
  }

  /** DISCONNECT with receipt (every earlier frame processed), then close the socket. */
  async disconnect(): Promise<void> {
    if (this.ended) return;
    try {
      await this.request("DISCONNECT", [], "bye");
    } catch {
      // The broker may close before the RECEIPT arrives (spec "connection lingering").
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    for (const ev of this.parser.push(chunk)) {
      if (ev.kind === "heartbeat") continue;
      if (ev.kind === "error") {
        this.failure ??= new Error(`client-side parse error: ${ev.message}`);
        this.socket.destroy();
        return;
      }
      const f = ev.frame;
      switch (f.command) {
        case "MESSAGE":
          this.onMessage?.(f);
          break;
        case "RECEIPT": {
          const id = getHeader(f, "receipt-id") ?? "";
          const cb = this.receipts.get(id);
          if (cb) {
            this.receipts.delete(id);
            cb();
          }
          break;
        }
        case "CONNECTED":
          this.onConnected?.();
          this.onConnected = null;
          break;
        case "ERROR":
          this.failure ??= new Error(`ERROR frame: ${getHeader(f, "message") ?? ""} ${f.body.toString()}`);
          break;
      }
    }
  }
}
