import { EventEmitter } from "node:events";
import { connect as netConnect, type Socket } from "node:net";
import { encodeFrame } from "../stomp/encodeFrame";
import { getHeader, type StompFrame, type StompHeaders } from "../stomp/StompFrame";
import { StompParser } from "../stomp/StompParser";
import { StompError } from "./StompError";
import { toHeaderList, type AckMode, type MessageHandler, type SendOptions, type StompMessage, type SubscribeOptions } from "./StompMessage";

export interface StompClientOptions {
  host: string;
  port: number;
  login?: string;
  passcode?: string;
  /** CONNECT `host` header (virtual host). Default: the host connected to. */
  vhost?: string;
  clientId?: string;
  /** [cx, cy] as in the CONNECT heart-beat header (spec 1.1 "Heart-beating"). Default [10000, 10000]. */
  heartBeat?: [number, number];
  /** TCP connect + CONNECTED must complete within this. Default 10 s. */
  connectTimeoutMs?: number;
  maxFrameSize?: number;
}

export interface StompClientEvents {
  /** The connection is gone; `error` is null only after disconnect()/close() asked for it. */
  close: [Error | null];
}

interface Pending {
  resolve(): void;
  reject(err: StompError): void;
}

interface LocalSubscription {
  id: string;
  destination: string;
  ack: AckMode;
  handler: MessageHandler;
}

const DEFAULT_HEART_BEAT: [number, number] = [10_000, 10_000];
/** Spec 1.1: allow for timing inaccuracies; the server side uses the same kind of grace factor. */
const HEARTBEAT_GRACE = 2;

/**
 * One STOMP 1.2 connection over TCP, built on the broker's own pure codec. Requests that ask for
 * a receipt resolve when the RECEIPT arrives and reject with a StompError when an ERROR names
 * their receipt or the connection drops first (every pending request is settled exactly once).
 * The class holds no reconnection logic: FailoverClient composes it.
 */
export class StompClient extends EventEmitter<StompClientEvents> {
  /** Server-assigned session id (CONNECTED `session`). */
  session = "";
  server = "";
  private readonly parser: StompParser;
  private readonly pending = new Map<string, Pending>();
  private readonly subs = new Map<string, LocalSubscription>();
  private counter = 0;
  private open = true;
  private closeError: Error | null = null;
  private lastRead = Date.now();
  private lastWrite = Date.now();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private connectWaiter: { resolve(): void; reject(err: Error): void } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly opts: StompClientOptions,
  ) {
    super();
    const maxFrameSize = opts.maxFrameSize ?? 64 * 1024 * 1024;
    this.parser = new StompParser({ maxFrameSize, maxHeaders: 10_000, maxHeaderLineLength: maxFrameSize });
    this.parser.version = "1.2";
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.teardown(err));
    socket.on("close", () => this.teardown(this.open ? StompError.connectionLost("socket closed by peer") : null));
  }

  /** Opens the socket and completes the CONNECT/CONNECTED handshake. */
  static connect(opts: StompClientOptions): Promise<StompClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: opts.host, port: opts.port });
      const client = new StompClient(socket, opts);
      const limit = opts.connectTimeoutMs ?? 10_000;
      const timer = setTimeout(() => client.teardown(new StompError(`no CONNECTED from ${opts.host}:${opts.port} within ${limit} ms`, true)), limit);
      client.connectWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve(client);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      socket.once("connect", () => {
        // TCP simultaneous open: a connect to a closed port inside the ephemeral range can be
        // given that very port as its source and connect to itself. It would then sit on the
        // port a broker is about to listen on (a slave being promoted) until our timeout.
        if (socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress) {
          client.teardown(new StompError(`self-connected to ${opts.host}:${opts.port} (nothing listens there)`, true));
          return;
        }
        client.sendConnect();
      });
    });
  }

  get connected(): boolean {
    return this.open && this.connectWaiter === undefined;
  }

  get address(): string {
    return `stomp://${this.opts.host}:${this.opts.port}`;
  }

  /** Bytes queued in the socket; a producer that cares about memory waits while this grows. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  send(destination: string, body: Buffer | string, options: SendOptions = {}): Promise<void> {
    const headers: StompHeaders = [["destination", destination], ...toHeaderList(options.headers)];
    if (options.transaction) headers.push(["transaction", options.transaction]);
    const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    return this.request("SEND", headers, buf, options.receipt ?? true);
  }

  /** Resolves once the broker confirmed the SUBSCRIBE (unless `receipt: false`). */
  async subscribe(destination: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<string> {
    const id = options.id ?? `sub-${++this.counter}`;
    if (this.subs.has(id)) throw new Error(`subscription id ${id} is already in use on this connection`);
    const ack = options.ack ?? "auto";
    this.subs.set(id, { id, destination, ack, handler });
    const headers: StompHeaders = [["destination", destination], ["id", id], ["ack", ack], ...toHeaderList(options.headers)];
    await this.request("SUBSCRIBE", headers, undefined, options.receipt ?? true);
    return id;
  }

  async unsubscribe(id: string, receipt = true): Promise<void> {
    if (!this.subs.delete(id)) return;
    await this.request("UNSUBSCRIBE", [["id", id]], undefined, receipt);
  }

  begin(transaction: string = `tx-${++this.counter}`): Promise<string> {
    return this.request("BEGIN", [["transaction", transaction]], undefined, true).then(() => transaction);
  }

  commit(transaction: string): Promise<void> {
    return this.request("COMMIT", [["transaction", transaction]], undefined, true);
  }

  abort(transaction: string): Promise<void> {
    return this.request("ABORT", [["transaction", transaction]], undefined, true);
  }

  /**
   * Writes one frame; with `receipt` resolves on its RECEIPT, otherwise once it is handed to the
   * socket. Rejects at once with a transient StompError when the connection is already gone.
   */
  request(command: string, headers: StompHeaders, body: Buffer | undefined, receipt: boolean): Promise<void> {
    if (!this.open) return Promise.reject(StompError.connectionLost(this.closeError?.message ?? "closed"));
    if (!receipt) {
      this.write(command, headers, body);
      return Promise.resolve();
    }
    const id = `r-${++this.counter}`;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write(command, [...headers, ["receipt", id]], body);
    });
  }

  /** Polite close: DISCONNECT with a receipt (spec 1.2 "Graceful disconnect"), then end the socket. */
  async disconnect(timeoutMs = 5000): Promise<void> {
    if (!this.open) return;
    const done = this.request("DISCONNECT", [], undefined, true).catch(() => undefined);
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([done, timer]);
    this.close();
  }

  /** Drops the connection at once (idempotent). */
  close(): void {
    if (!this.open) return;
    this.teardown(null);
    this.socket.destroy();
  }

  private sendConnect(): void {
    const [cx, cy] = this.opts.heartBeat ?? DEFAULT_HEART_BEAT;
    const headers: StompHeaders = [
      ["accept-version", "1.2"],
      ["host", this.opts.vhost ?? this.opts.host],
      ["heart-beat", `${cx},${cy}`],
    ];
    if (this.opts.login !== undefined) headers.push(["login", this.opts.login]);
    if (this.opts.passcode !== undefined) headers.push(["passcode", this.opts.passcode]);
    if (this.opts.clientId !== undefined) headers.push(["client-id", this.opts.clientId]);
    this.write("CONNECT", headers, undefined);
  }

  private write(command: string, headers: StompHeaders, body: Buffer | undefined): void {
    this.lastWrite = Date.now();
    this.socket.write(encodeFrame(command, headers, body, "1.2"));
  }

  private onData(chunk: Buffer): void {
    this.lastRead = Date.now();
    for (const ev of this.parser.push(chunk)) {
      if (ev.kind === "error") {
        this.teardown(new StompError(`broker sent an unparseable frame (${ev.code}): ${ev.message}`, true));
        this.socket.destroy();
        return;
      }
      if (ev.kind === "frame") this.onFrame(ev.frame);
      if (!this.open) return;
    }
  }

  private onFrame(frame: StompFrame): void {
    switch (frame.command) {
      case "CONNECTED":
        return this.onConnected(frame);
      case "MESSAGE":
        return this.onMessage(frame);
      case "RECEIPT": {
        const id = getHeader(frame, "receipt-id");
        const p = id === undefined ? undefined : this.pending.get(id);
        if (p && id !== undefined) {
          this.pending.delete(id);
          p.resolve();
        }
        return;
      }
      case "ERROR": {
        const err = StompError.fromFrame(frame);
        const id = getHeader(frame, "receipt-id");
        const p = id === undefined ? undefined : this.pending.get(id);
        if (p && id !== undefined) {
          this.pending.delete(id);
          p.reject(err);
        }
        // Spec 1.2: the server closes the connection after ERROR; do not wait for the FIN.
        this.teardown(err);
        this.socket.destroy();
        return;
      }
      default:
        return;
    }
  }

  private onConnected(frame: StompFrame): void {
    const waiter = this.connectWaiter;
    if (!waiter) return;
    this.connectWaiter = undefined;
    this.session = getHeader(frame, "session") ?? "";
    this.server = getHeader(frame, "server") ?? "";
    const [cx, cy] = this.opts.heartBeat ?? DEFAULT_HEART_BEAT;
    const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(getHeader(frame, "heart-beat") ?? "0,0");
    const sx = m ? Number(m[1]) : 0;
    const sy = m ? Number(m[2]) : 0;
    this.startHeartbeats(cx && sy ? Math.max(cx, sy) : 0, sx && cy ? Math.max(sx, cy) : 0);
    waiter.resolve();
  }

  private startHeartbeats(sendEvery: number, expectEvery: number): void {
    if (!sendEvery && !expectEvery) return;
    const tick = Math.max(50, Math.min(sendEvery || Infinity, expectEvery || Infinity) / 2);
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      if (expectEvery && now - this.lastRead > expectEvery * HEARTBEAT_GRACE) {
        this.teardown(StompError.connectionLost(`no data or heart-beat from the broker for ${now - this.lastRead} ms`));
        this.socket.destroy();
        return;
      }
      if (sendEvery && now - this.lastWrite >= sendEvery) {
        this.lastWrite = now;
        this.socket.write("\n");
      }
    }, tick);
    this.heartbeatTimer.unref();
  }

  private onMessage(frame: StompFrame): void {
    const subId = getHeader(frame, "subscription") ?? "";
    const sub = this.subs.get(subId);
    if (!sub) return; // late delivery after UNSUBSCRIBE
    const messageId = getHeader(frame, "message-id") ?? "";
    const ackId = getHeader(frame, "ack") ?? messageId;
    const settle = (command: "ACK" | "NACK", o: { receipt?: boolean; transaction?: string } = {}): Promise<boolean> => {
      if (!this.open) return Promise.resolve(false);
      const headers: StompHeaders = [["id", ackId]];
      if (o.transaction) headers.push(["transaction", o.transaction]);
      return this.request(command, headers, undefined, o.receipt ?? false).then(() => true);
    };
    const message: StompMessage = {
      destination: getHeader(frame, "destination") ?? "",
      messageId,
      subscription: subId,
      ackId,
      redelivered: getHeader(frame, "redelivered") === "true",
      headers: frame.headers,
      body: frame.body,
      header: (name) => getHeader(frame, name),
      ack: (o) => settle("ACK", o),
      nack: (o) => settle("NACK", o),
    };
    try {
      sub.handler(message);
    } catch (err) {
      // A throwing handler must not kill the connection's read loop; surface it asynchronously.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  /** Idempotent: settles every pending request and the connect promise, then emits close once. */
  private teardown(err: Error | null): void {
    if (!this.open) return;
    this.open = false;
    this.closeError = err;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const lost = err instanceof StompError ? err : StompError.connectionLost(err?.message ?? "closed by the client");
    const waiter = this.connectWaiter;
    this.connectWaiter = undefined;
    waiter?.reject(err ?? lost);
    for (const p of this.pending.values()) p.reject(lost.transient ? lost : StompError.connectionLost(lost.message));
    this.pending.clear();
    this.subs.clear();
    if (!this.socket.destroyed) this.socket.destroy();
    this.emit("close", err);
  }
}
