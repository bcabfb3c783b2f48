// One client connection (ZooKeeper's NIOServerCnxn): framing, the connect handshake, request
// decoding, and replies. Session logic lives in the host; this class only moves bytes and keeps
// per-connection counters for `cons`/`stat`. A malformed packet closes only this connection.
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { TurnCork } from "../net/TurnCork";
import { plainIpv4 } from "./acl";
import { FrameDecoder } from "./FrameDecoder";
import { JuteError, JuteReader } from "./jute";
import {
  decodeConnectRequest, decodeRequest, encodeConnectResponse, encodeNotification, encodeReply,
  Err, OpCode, opTag, Xid, type ConnectRequest, type Id,
} from "./protocol";
import type { CloseReason, Request, RequestOrigin } from "./Request";
import type { ServerStats } from "./ServerStats";

export interface CnxnHost {
  lastZxid(): number;
  /** Handles a ConnectRequest: answers at once (reattach / reject) or submits createSession. */
  connect(cnxn: ServerCnxn, req: ConnectRequest): void;
  touch(sessionId: bigint): void;
  submit(req: Request): void;
  /** The ids an AuthPacket adds to the connection, or null for AuthFailed. */
  authenticate(scheme: string, auth: Buffer, remoteAddress: string): Id[] | null;
  passwordFor(sessionId: bigint): Buffer;
  fourLetterWord(word: string): Promise<string>;
  closed(cnxn: ServerCnxn, reason: CloseReason): void;
}

type State = "handshake" | "awaitingSession" | "established" | "closed";

export class ServerCnxn implements RequestOrigin {
  private readonly decoder: FrameDecoder;
  private state: State = "handshake";
  private held: Buffer[] = [];
  private withReadOnly = true;
  private readonly cork: TurnCork;
  /** The last ping answer sent and the zxid it carries. */
  private pingReply: { zxid: number; frame: Buffer } | null = null;
  sessionId = 0n;
  timeout = 0;
  readonly ids: Id[];
  readonly established = Date.now();
  // counters for cons/stat/mntr
  packetsReceived = 0;
  packetsSent = 0;
  lastOp = "NA";
  lastCxid = 0;
  lastZxidSent = 0;
  lastResponseTime = 0;
  lastLatency = 0;
  minLatency = Number.MAX_SAFE_INTEGER;
  maxLatency = 0;
  totalLatency = 0;
  latencyCount = 0;

  constructor(
    private readonly socket: Socket,
    private readonly host: CnxnHost,
    maxBuffer: number,
    private readonly logger: Logger,
    private readonly stats: ServerStats,
  ) {
    this.decoder = new FrameDecoder(maxBuffer);
    this.cork = new TurnCork(socket);
    this.ids = [{ scheme: "world", id: "anyone" }, { scheme: "ip", id: plainIpv4(socket.remoteAddress ?? "unknown") }];
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => this.close("socketError"));
    socket.on("close", () => this.close("clientClosed"));
  }

  remoteLabel(): string {
    return `/${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  remoteAddress(): string {
    return this.socket.remoteAddress ?? "unknown";
  }

  isOpen(): boolean {
    return this.state !== "closed";
  }

  isEstablished(): boolean {
    return this.state === "established";
  }

  private onData(chunk: Buffer): void {
    this.stats.bytesReceived += chunk.length;
    for (const item of this.decoder.push(chunk)) {
      if (this.state === "closed") return;
      switch (item.kind) {
        case "fourLetterWord": {
          this.state = "closed";
          this.socket.pause();
          const word = item.word;
          this.host.fourLetterWord(word).then(
            (text) => this.socket.end(text),
            (err: unknown) => {
              this.logger.warn({ remote: this.remoteLabel(), word, err: String(err) }, "four-letter word failed");
              this.socket.destroy();
            },
          );
          this.host.closed(this, "fourLetterWord");
          return;
        }
        case "error":
          this.logger.warn({ remote: this.remoteLabel(), reason: item.reason, detail: item.detail }, "closing connection: bad frame");
          this.close(item.reason === "frameTooLarge" ? "frameTooLarge" : "malformedPacket");
          return;
        case "frame":
          this.packetsReceived++;
          this.stats.packetsReceived++;
          this.onFrame(item.body);
          break;
      }
    }
  }

  private onFrame(body: Buffer): void {
    if (this.state === "handshake") {
      let req: ConnectRequest;
      try {
        req = decodeConnectRequest(body);
      } catch (e) {
        this.logger.warn({ remote: this.remoteLabel(), err: String(e) }, "closing connection: bad ConnectRequest");
        this.close("malformedPacket");
        return;
      }
      this.withReadOnly = req.hasReadOnlyField;
      this.state = "awaitingSession";
      // Requests pipelined behind the ConnectRequest (the Java client sends auth and
      // SetWatches at once) wait until the session exists; stop reading meanwhile.
      this.socket.pause();
      this.host.connect(this, req);
      return;
    }
    if (this.state === "awaitingSession") {
      this.held.push(Buffer.from(body));
      return;
    }
    this.onRequest(body);
  }

  private onRequest(body: Buffer): void {
    const r = new JuteReader(body);
    let xid: number;
    let type: number;
    try {
      xid = r.int();
      type = r.int();
    } catch {
      this.close("malformedPacket");
      return;
    }
    this.host.touch(this.sessionId);
    this.lastCxid = xid;
    this.lastOp = opTag(type);
    const receivedAt = Date.now();
    if (type === OpCode.ping) {
      // Answered at once, outside the pipeline: clients match pings by xid -2, not by order,
      // and a ping must not wait behind a slow fsync (section 2.9).
      const zxid = this.host.lastZxid();
      // The answer differs only by zxid, which an idle ensemble keeps: reuse the frame (each
      // client pings every third of its session timeout, the bulk of an idle coordinator's work).
      if (this.pingReply?.zxid !== zxid) this.pingReply = { zxid, frame: encodeReply(Xid.ping, zxid, 0) };
      this.send(this.pingReply.frame);
      this.noteReply(type, xid, zxid, receivedAt);
      return;
    }
    try {
      if (type === OpCode.auth) {
        r.int(); // type, always 0
        const scheme = r.string();
        const auth = r.buffer() ?? Buffer.alloc(0);
        const added = this.host.authenticate(scheme, auth, this.remoteAddress());
        if (!added) {
          this.send(encodeReply(Xid.auth, this.host.lastZxid(), Err.AuthFailed));
          this.closeGracefully("authFailed");
          return;
        }
        for (const id of added) if (!this.ids.some((i) => i.scheme === id.scheme && i.id === id.id)) this.ids.push(id);
        this.send(encodeReply(Xid.auth, this.host.lastZxid(), 0));
        return;
      }
      const parsed = decodeRequest(type, r);
      this.host.submit({
        origin: this, sessionId: this.sessionId, xid, type, body: parsed, ids: [...this.ids],
        receivedAt, txn: null, err: 0, multiErrors: null,
      });
    } catch (e) {
      if (!(e instanceof JuteError)) throw e;
      if (e.message.startsWith("unknown opcode")) {
        // UnimplementedRequestProcessor: reply Unimplemented, then drop the connection.
        this.send(encodeReply(xid, this.host.lastZxid(), Err.Unimplemented));
        this.closeGracefully("unimplemented");
        return;
      }
      this.logger.warn({ remote: this.remoteLabel(), err: e.message }, "closing connection: malformed request");
      this.close("malformedPacket");
    }
  }

  /** The session exists: send ConnectResponse and process whatever arrived behind the ConnectRequest. */
  sessionEstablished(sessionId: bigint, timeout: number): void {
    if (this.state !== "awaitingSession") return;
    this.sessionId = sessionId;
    this.timeout = timeout;
    this.send(encodeConnectResponse({ timeOut: timeout, sessionId, passwd: this.host.passwordFor(sessionId), withReadOnly: this.withReadOnly }));
    this.state = "established";
    const held = this.held;
    this.held = [];
    for (const b of held) {
      if (this.state !== "established") break;
      this.onRequest(b);
    }
    if (this.state === "established") this.socket.resume();
  }

  /** Section 1.(a)11: timeOut=0, sessionId=0, zero password, then close. */
  sessionRejected(reason: CloseReason): void {
    if (this.state === "closed") return;
    this.send(encodeConnectResponse({ timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(16), withReadOnly: this.withReadOnly }));
    this.closeGracefully(reason);
  }

  notify(type: number, path: string, zxid: number): void {
    this.send(encodeNotification(type, path, zxid));
  }

  send(frame: Buffer): void {
    if (this.state === "closed") return;
    // The final stage answers a whole group-commit batch in one turn: one writev for them all.
    this.cork.hold();
    this.socket.write(frame);
    this.packetsSent++;
    this.stats.packetsSent++;
  }

  noteReply(_type: number, _xid: number, zxid: number, receivedAt: number): void {
    const now = Date.now();
    const lat = now - receivedAt;
    this.lastZxidSent = zxid;
    this.lastResponseTime = now;
    this.lastLatency = lat;
    this.minLatency = Math.min(this.minLatency, lat);
    this.maxLatency = Math.max(this.maxLatency, lat);
    this.totalLatency += lat;
    this.latencyCount++;
    this.stats.latency.add(lat);
  }

  /** `crst` (ServerCnxn.resetStats): this connection's counters start again. */
  resetStats(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.minLatency = Number.MAX_SAFE_INTEGER;
    this.maxLatency = 0;
    this.lastOp = "NA";
    this.lastCxid = -1;
    this.lastZxidSent = -1;
    this.lastResponseTime = 0;
    this.lastLatency = 0;
    this.latencyCount = 0;
    this.totalLatency = 0;
  }

  closeGracefully(reason: CloseReason): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.cork.release();
    this.socket.end();
    // A peer that never closes its side must not hold the socket forever.
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.host.closed(this, reason);
  }

  close(reason: CloseReason): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.cork.release(); // replies already sent this turn still go out, as they did uncorked
    this.socket.destroy();
    this.host.closed(this, reason);
  }
}
