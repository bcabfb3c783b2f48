import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import { TurnCork } from "../net/TurnCork";
import { ResponseCode } from "./remotingCodes";
import { encodeCommand, isOneway, isResponse, RemotingDecoder, response, type RemotingCommand } from "./remotingCodec";

/** Why a remoting connection ended (logged, and shown by whoever lists connections). */
export type RemotingCloseReason = "client_closed" | "socket_error" | "bad_frame" | "server_stopped" | "too_many_connections" | "slow_reader";

/** Response bytes one connection may leave unread before it is cut off (a client that sends pulls but never reads). */
export const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** A request handler: returns the response, or null for a oneway request (or one answered later by `reply`). */
export type RemotingHandler = (request: RemotingCommand, conn: RemotingConnection) => Promise<RemotingCommand | null> | RemotingCommand | null;

export interface RemotingServerOptions {
  /** "namesrv" or "broker": names this listener in logs. */
  role: string;
  host: string;
  port: number;
  /** Largest frame accepted (RocketMQ's maxMessageSize plus headroom for the header). */
  maxFrame: number;
  maxConnections?: number;
  /** Requests one connection may have outstanding (parked long polls count); beyond it: SYSTEM_BUSY. */
  maxInflight?: number;
  /** Unread response bytes past which a connection is closed (slow_reader). */
  maxPendingBytes?: number;
  handlers: Map<number, RemotingHandler>;
  logger: Logger;
}

/** One client channel. `close` is idempotent; `onClose` listeners learn the reason once. */
export class RemotingConnection {
  private closed = false;
  inflight = 0;
  readonly remote: string;
  private readonly closeListeners: Array<(reason: RemotingCloseReason) => void> = [];
  private nextOpaque = 1;
  private readonly cork: TurnCork;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly maxPendingBytes = DEFAULT_MAX_PENDING_BYTES,
  ) {
    this.remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? 0}`;
    this.cork = new TurnCork(socket);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onClose(listener: (reason: RemotingCloseReason) => void): void {
    if (this.closed) listener("client_closed");
    else this.closeListeners.push(listener);
  }

  write(command: RemotingCommand): void {
    if (this.closed) return;
    // Memory stays bounded: a peer that keeps asking but stops reading is cut off, with the reason logged.
    if (this.socket.writableLength > this.maxPendingBytes) {
      this.close("slow_reader", `${this.socket.writableLength} response bytes unread (limit ${this.maxPendingBytes})`);
      return;
    }
    // A group commit settles many sends in one turn: their answers leave in one system call.
    this.cork.hold();
    this.socket.write(encodeCommand(command));
  }

  /** A server-initiated oneway request (e.g. NOTIFY_CONSUMER_IDS_CHANGED). */
  notify(code: number, extFields: Record<string, string>, body: Buffer | null = null): void {
    this.write({ code, opaque: this.nextOpaque++, flag: 2, extFields, body, remark: null });
  }

  close(reason: RemotingCloseReason, detail?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason !== "client_closed" && reason !== "server_stopped") this.logger.warn({ remote: this.remote, reason, detail }, "remoting connection closed");
    this.socket.destroy();
    for (const l of this.closeListeners.splice(0)) l(reason);
  }
}

/**
 * A listener for RocketMQ's remoting protocol: frames in, one handler per request code, answers
 * matched by opaque. An unknown code is answered REQUEST_CODE_NOT_SUPPORTED (as NettyRemotingAbstract
 * does) and a frame with a bad header SYSTEM_ERROR; neither ends the connection. Only a stream that
 * cannot be followed (bad or oversized length) is closed, with the reason logged.
 */
export class RemotingServer {
  private server: Server | null = null;
  readonly connections = new Map<number, RemotingConnection>();
  private nextId = 1;
  private readonly log: Logger;

  constructor(private readonly opts: RemotingServerOptions) {
    this.log = opts.logger.child({ component: `rocketmq-${opts.role}` });
  }

  async listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.log.error({ err }, "remoting listener error"));
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : this.opts.port;
    this.log.info({ host: this.opts.host, port }, `RocketMQ ${this.opts.role} listener started`);
    return port;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn = new RemotingConnection(this.nextId++, socket, this.log, this.opts.maxPendingBytes);
    if (this.connections.size >= (this.opts.maxConnections ?? 1000)) {
      conn.close("too_many_connections", `limit ${this.opts.maxConnections ?? 1000}`);
      return;
    }
    this.connections.set(conn.id, conn);
    conn.onClose(() => this.connections.delete(conn.id));
    const decoder = new RemotingDecoder(this.opts.maxFrame);
    socket.on("data", (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind === "fatal") {
          conn.close("bad_frame", item.detail);
          return;
        }
        if (item.kind === "badHeader") {
          conn.write(response({ opaque: item.opaque ?? 0 }, ResponseCode.SYSTEM_ERROR, {}, null, `bad request header: ${item.detail}`));
          continue;
        }
        if (isResponse(item.command)) continue; // answers to our oneway notifications: none expected
        this.dispatch(item.command, conn);
      }
    });
    socket.on("error", (err) => conn.close("socket_error", err.message));
    socket.on("close", () => conn.close("client_closed"));
  }

  private dispatch(request: RemotingCommand, conn: RemotingConnection): void {
    const handler = this.opts.handlers.get(request.code);
    const oneway = isOneway(request);
    if (!handler) {
      if (!oneway) conn.write(response(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {}, null, ` request type ${request.code} not supported`));
      return;
    }
    if (conn.inflight >= (this.opts.maxInflight ?? 4096)) {
      if (!oneway) conn.write(response(request, ResponseCode.SYSTEM_BUSY, {}, null, `too many outstanding requests on this connection (${conn.inflight})`));
      return;
    }
    conn.inflight++;
    let result: ReturnType<RemotingHandler>;
    try {
      result = handler(request, conn);
    } catch (err) {
      conn.inflight--;
      this.failed(request, conn, err);
      return;
    }
    Promise.resolve(result).then(
      (reply) => {
        conn.inflight--;
        if (reply && !oneway) conn.write({ ...reply, opaque: request.opaque });
      },
      (err: unknown) => {
        conn.inflight--;
        this.failed(request, conn, err);
      },
    );
  }

  private failed(request: RemotingCommand, conn: RemotingConnection, err: unknown): void {
    this.log.error({ err, code: request.code, remote: conn.remote }, "remoting request failed");
    if (!isOneway(request)) conn.write(response(request, ResponseCode.SYSTEM_ERROR, {}, null, (err as Error)?.message ?? String(err)));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of [...this.connections.values()]) c.close("server_stopped");
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
