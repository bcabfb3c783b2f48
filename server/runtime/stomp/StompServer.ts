import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { Logger } from "pino";
import type { BrokerPolicy } from "../../config/clusterSchema";
import type { Broker } from "../broker/Broker";
import { encodeFrame } from "./encodeFrame";
import type { CloseReason } from "./CloseReason";
import { StompConnection, type AccessControl } from "./StompConnection";
import { TcpTransport } from "./TcpTransport";
import type { StompTransport } from "./StompTransport";

export interface StompListenerOptions {
  name: string;
  host: string;
  port: number;
  maximumConnections: number;
  maxFrameSize: number;
  /** Key and certificate (PEM): the listener speaks TLS (stomp+ssl://, wss://). */
  tls?: { key: Buffer; cert: Buffer };
}

/** Everything a listener needs from its node. */
export interface StompServerContext {
  nodeName: string;
  broker: Broker;
  policy: BrokerPolicy;
  access: AccessControl;
  logger: Logger;
  serving: () => string | null;
}

/**
 * The node's STOMP front door: listeners, the live connection table, and per-reason counts of
 * closed connections (what the admin API and console show).
 */
export class StompServer {
  readonly connections = new Map<string, StompConnection>();
  readonly closedReasons = new Map<CloseReason, number>();
  private readonly listeners: Array<{ server: Server; options: StompListenerOptions; count: number }> = [];
  private counter = 0;
  totalAccepted = 0;

  constructor(private readonly ctx: StompServerContext) {}

  /** Opens a TCP listener; resolves with the bound port (useful with port 0). */
  async listen(options: StompListenerOptions): Promise<number> {
    const server: Server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer();
    const entry = { server, options, count: 0 };
    // A TLS server hands over a socket only after the handshake ('secureConnection'); a failed
    // handshake never reaches the broker.
    if (options.tls) server.on("secureConnection", (socket: TLSSocket) => this.accept(socket, entry, "tls"));
    else server.on("connection", (socket: Socket) => this.accept(socket, entry));
    server.on("tlsClientError", (err: Error) => this.ctx.logger.info({ err: err.message, listener: options.name }, "TLS handshake failed"));
    entry.server.on("error", (err) => this.ctx.logger.error({ err, listener: options.name }, "listener error"));
    await new Promise<void>((resolve, reject) => {
      entry.server.once("error", reject);
      entry.server.listen(options.port, options.host, () => {
        entry.server.off("error", reject);
        resolve();
      });
    });
    const address = entry.server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    this.listeners.push(entry);
    this.ctx.logger.info({ service: "stomp", listener: options.name, host: options.host, port, tls: options.tls !== undefined }, "listening");
    return port;
  }

  /** Attaches a transport that another listener (e.g. WebSocket) accepted. */
  attach(transport: StompTransport, limits: { maximumConnections: number; maxFrameSize: number }, counter: { count: number }): StompConnection | null {
    this.totalAccepted++;
    if (counter.count >= limits.maximumConnections) {
      // Tell the client why before closing, so it is not mistaken for a crash.
      transport.write(
        encodeFrame("ERROR", [["message", `Too many connections (maximumConnections=${limits.maximumConnections})`]], undefined, "1.0"),
      );
      transport.end();
      this.countClose("too_many_connections");
      this.ctx.logger.warn({ remote: transport.remoteAddress, max: limits.maximumConnections }, "connection refused: too many connections");
      return null;
    }
    counter.count++;
    const id = `${this.ctx.nodeName}-${++this.counter}`;
    const conn = new StompConnection({
      id,
      transport,
      broker: this.ctx.broker,
      policy: this.ctx.policy,
      maxFrameSize: limits.maxFrameSize,
      access: this.ctx.access,
      logger: this.ctx.logger,
      serving: this.ctx.serving,
      hooks: {
        onClose: (c, reason) => {
          counter.count--;
          this.connections.delete(c.id);
          this.countClose(reason);
          const normal = reason === "client_disconnect" || reason === "client_eof";
          this.ctx.logger[normal ? "debug" : "info"]({ conn: c.id, remote: c.remoteAddress, reason }, "connection closed");
        },
      },
    });
    this.connections.set(id, conn);
    return conn;
  }

  private accept(socket: Socket, entry: { options: StompListenerOptions; count: number }, kind: "tcp" | "tls" = "tcp"): void {
    const conn = this.attach(new TcpTransport(socket, kind), entry.options, entry);
    if (!conn) {
      socket.on("error", () => {});
      return;
    }
    socket.on("data", (chunk: Buffer) => conn.receive(chunk));
    socket.on("drain", () => conn.drained());
    socket.on("error", (err) => conn.transportClosed(err));
    socket.on("close", () => conn.transportClosed());
  }

  private countClose(reason: CloseReason): void {
    this.closedReasons.set(reason, (this.closedReasons.get(reason) ?? 0) + 1);
  }

  /** Closes every client connection with `reason`; `why` says what made the node stop being master. */
  closeAll(reason: CloseReason, why = "stepping down"): void {
    for (const conn of [...this.connections.values()]) {
      if (reason === "not_master") conn.stopServing(why);
      else conn.fail(reason, "Server shutting down");
    }
  }

  async stop(): Promise<void> {
    this.closeAll("server_shutdown");
    await Promise.all(
      this.listeners.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))),
    );
    this.listeners.length = 0;
  }

  /** Whether any listener is open (slaves keep none). */
  get listening(): boolean {
    return this.listeners.length > 0;
  }

  /** Closes the listeners but keeps the server usable for a later listen() (demotion to slave). */
  async closeListeners(): Promise<void> {
    const ls = this.listeners.splice(0);
    await Promise.all(ls.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))));
  }
}
