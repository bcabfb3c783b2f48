import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import type { ConnectionCounter, StompListenerOptions, StompServer } from "./StompServer";
import { WsTransport } from "./WsTransport";

/** Sub-protocols of STOMP over WebSocket, best first (stomp-js and ActiveMQ use these names). */
export const STOMP_WS_PROTOCOLS = ["v12.stomp", "v11.stomp", "v10.stomp"] as const;

/**
 * Room for one frame plus a little slack: a frame just over maxFrameSize still reaches the STOMP
 * parser, which refuses it with an ERROR that names the limit; anything far larger is cut off by
 * `ws` before it is buffered whole (close code 1009).
 */
const PAYLOAD_SLACK = 64 * 1024;
/** WebSocket framing around a CONNECT (headers, mask, a few fragments): what the raw byte budget allows beyond the frame. */
const WS_FRAMING_SLACK = 1024;

/**
 * Bytes `ws` holds of a message it has not emitted yet: unparsed input plus the fragments
 * assembled so far. ws has no public API for this, so it reads the Receiver's fields (ws 8,
 * pinned in package-lock); if they are ever renamed this returns 0 and only the accounting of
 * in-progress WebSocket messages is lost (maxPayload still caps them).
 */
function receiverHolding(ws: WebSocket): number {
  const r = (ws as unknown as { _receiver?: { _bufferedBytes?: unknown; _messageLength?: unknown } })._receiver;
  const buffered = typeof r?._bufferedBytes === "number" ? r._bufferedBytes : 0;
  const assembled = typeof r?._messageLength === "number" ? r._messageLength : 0;
  return buffered + assembled;
}

/**
 * A `ws://host:port` transport connector: an HTTP server that upgrades any path to a WebSocket
 * and hands it to the node's StompServer, so maximumConnections, maxFrameSize, access control
 * and close-reason accounting are the same as on TCP.
 */
export class WebSocketListener {
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly counter: ConnectionCounter = { count: 0, perAddress: new Map() };
  port = 0;

  constructor(
    private readonly stomp: StompServer,
    private readonly options: StompListenerOptions,
    private readonly logger: Logger,
  ) {}

  /** Binds and resolves with the port (useful with port 0). */
  async listen(): Promise<number> {
    const onRequest: RequestListener = (_req, res) => {
      res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" });
      res.end("This is a STOMP over WebSocket endpoint: connect with a WebSocket client (sub-protocol v12.stomp)\n");
    };
    const tls = this.options.tls;
    const http: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, onRequest) : createServer(onRequest);
    const wss = new WebSocketServer({
      server: http,
      maxPayload: this.options.maxFrameSize + PAYLOAD_SLACK,
      perMessageDeflate: false,
      // Browsers send Origin on every WebSocket handshake and let any page open one to any host:
      // a page from another site must not reach the broker with the user's network position.
      verifyClient: (info: { origin: string; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) =>
        this.originAllowed(info.origin, info.req) ? done(true) : done(false, 403, "Origin not allowed (allowedOrigins)"),
      handleProtocols: (offered) => {
        for (const p of STOMP_WS_PROTOCOLS) if (offered.has(p)) return p;
        // A client that offers only unknown sub-protocols gets none and may hang up; one that
        // offers nothing (some plain WebSocket clients) is served as STOMP anyway.
        return false;
      },
    });
    wss.on("connection", (ws, req) => this.accept(ws, req));
    wss.on("error", (err) => this.logger.error({ err, listener: this.options.name }, "websocket listener error"));
    http.on("clientError", (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(this.options.port, this.options.host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    http.on("error", (err) => this.logger.error({ err, listener: this.options.name }, "websocket listener error"));
    this.http = http;
    this.wss = wss;
    const address = http.address();
    this.port = typeof address === "object" && address ? address.port : this.options.port;
    this.logger.info({ service: "stomp-ws", listener: this.options.name, host: this.options.host, port: this.port }, "listening");
    return this.port;
  }

  /** Clients that send no Origin (not browsers) are served; a browser's Origin must be listed. */
  private originAllowed(origin: string | undefined, req: IncomingMessage): boolean {
    if (origin === undefined || origin === "") return true;
    const allowed = this.options.allowedOrigins ?? [];
    if (allowed.includes("*") || allowed.includes(origin)) return true;
    this.logger.warn(
      { listener: this.options.name, remote: `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? 0}`, origin },
      "websocket refused: Origin not in allowedOrigins",
    );
    return false;
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const socket = req.socket as Socket;
    const remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? 0}`;
    const transport = new WsTransport(ws, socket, remote);
    const conn = this.stomp.attach(transport, this.options, this.counter);
    if (!conn) {
      ws.on("error", () => {});
      return;
    }
    // `ws` assembles a whole message before handing it over, so the limits on frames being
    // received are applied here, on the raw bytes (this listener runs after ws's own):
    // before authentication, the CONNECT size limit; after it, what ws holds of an incomplete
    // message is charged to the node's memory and timed out like a partial frame.
    const preAuthBudget = Math.min(this.options.maxFrameSize, this.stomp.maxConnectFrameSize) + WS_FRAMING_SLACK;
    let preAuthBytes = 0;
    const onRaw = (chunk: Buffer): void => {
      if (!conn.isOpen) return;
      if (conn.authenticated) {
        conn.transportHolding(receiverHolding(ws));
        return;
      }
      preAuthBytes += chunk.length;
      if (preAuthBytes > preAuthBudget) {
        socket.off("data", onRaw);
        this.logger.info({ conn: conn.id, remote, bytes: preAuthBytes, max: preAuthBudget }, "websocket: more than a CONNECT before authentication");
        conn.fail("frame_too_large", `frame larger than ${preAuthBudget - WS_FRAMING_SLACK} octets before CONNECT was accepted (maxConnectFrameSize)`);
        // Read no more: the ERROR and the close still go out, the rest of the message is never buffered.
        socket.pause();
      }
    };
    socket.on("data", onRaw);
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      conn.receive(chunk);
    });
    socket.on("drain", () => conn.drained());
    ws.on("error", (err: Error & { code?: string }) => {
      if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        this.logger.info({ conn: conn.id, remote, max: this.options.maxFrameSize }, "websocket message over the frame size limit");
        conn.close("frame_too_large");
        return;
      }
      conn.transportClosed(err);
    });
    ws.on("close", () => conn.transportClosed());
  }

  /** Closes the listener and every WebSocket it accepted. */
  async stop(): Promise<void> {
    const wss = this.wss;
    const http = this.http;
    this.wss = null;
    this.http = null;
    if (wss) {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  get connections(): number {
    return this.counter.count;
  }
}
