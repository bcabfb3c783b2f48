import type { Logger } from "pino";
import type { BrokerPolicy } from "../../config/clusterSchema";
import { Broker, BrokerError, type ResolvedTarget, type TxAck, type TxSend } from "../broker/Broker";
import { BROKER_HEADERS, type BrokerMessage } from "../broker/BrokerMessage";
import { encodeMessage } from "./encodeMessage";
import { ownedBody } from "../broker/ownedBody";
import type { AckMode, ConsumerSink, Subscription } from "../broker/Subscription";
import { compileSelector } from "../selector/compileSelector";
import type { CloseReason } from "./CloseReason";
import { encodeFrame } from "./encodeFrame";
import { getHeader, type StompFrame, type StompHeaders, type StompVersion } from "./StompFrame";
import { StompParser, type StompParseErrorCode } from "./StompParser";
import { hostOf, type StompTransport } from "./StompTransport";
import type { LoginThrottle } from "../security/LoginThrottle";
import { negotiateHeartBeat } from "./negotiateHeartBeat";
import { ReadGuard } from "./ReadGuard";

const SUPPORTED: StompVersion[] = ["1.2", "1.1", "1.0"];
/** Unwritten journal bytes above which persistent producers wait for the journal's writer. */
const JOURNAL_BACKLOG_LIMIT = 8 * 1024 * 1024;
const SERVER_NAME = "Tandem/0.1.0";
const CLIENT_COMMANDS = new Set([
  "CONNECT", "STOMP", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT", "DISCONNECT",
]);

/** Who the peer turned out to be at CONNECT; `null` user means anonymous access was allowed. */
export interface Principal {
  user: string | null;
  groups: string[];
}

/** Authentication and per-destination authorisation, supplied by the node (see security config). */
export interface AccessControl {
  /**
   * A promise when a password must be checked: that check must not run on the event loop (it
   * takes 30-100 ms of CPU). Answers that need no check (open access, a cached login) come back
   * at once, and the connection carries on without pausing.
   */
  authenticate(login: string | undefined, passcode: string | undefined): Principal | string | Promise<Principal | string>;
  /** Returns a refusal reason, or null when allowed. */
  authorize(principal: Principal, action: "read" | "write" | "admin", destination: string): string | null;
}

export interface StompConnectionHooks {
  onClose(conn: StompConnection, reason: CloseReason): void;
}

export interface StompConnectionOptions {
  id: string;
  transport: StompTransport;
  broker: Broker;
  policy: BrokerPolicy;
  maxFrameSize: number;
  access: AccessControl;
  /** Failed logins per source address (shared by the node's connections); absent: not throttled. */
  loginThrottle?: LoginThrottle;
  logger: Logger;
  hooks: StompConnectionHooks;
  /** When the node is not allowed to serve (slave, lost quorum), CONNECT is refused with this reason. */
  serving: () => string | null;
}

interface Transaction {
  sends: TxSend[];
  acks: TxAck[];
}

const PARSE_ERROR_REASON: Record<StompParseErrorCode, CloseReason> = {
  frame_too_large: "frame_too_large",
  too_many_headers: "header_limit",
  header_too_long: "header_limit",
  malformed_header: "protocol_error",
  bad_escape: "protocol_error",
  bad_content_length: "protocol_error",
  bad_command: "protocol_error",
  missing_null: "protocol_error",
};

/**
 * One STOMP session: the protocol converter between frames and the broker (ActiveMQ's
 * ProtocolConverter). One dispatch checks the connection state before any command handler runs;
 * one idempotent close(reason) ends everything.
 *
 * Errors follow the spec, not ActiveMQ's lenient mode: every ERROR frame is followed by closing
 * the connection (STOMP 1.2 "ERROR": the server MUST close the connection after sending it).
 */
export class StompConnection implements ConsumerSink {
  readonly id: string;
  readonly connectedAt = Date.now();
  private readonly parser: StompParser;
  /**
   * "authenticating": CONNECT is being checked; the socket is paused and anything that still
   * arrives is held unparsed. "disconnecting": DISCONNECT seen, its receipt waits for earlier
   * ones; later frames are ignored.
   */
  private state: "awaiting_connect" | "authenticating" | "connected" | "disconnecting" | "closed" = "awaiting_connect";
  /** Bytes that arrived while the CONNECT was being checked (the rest of its chunk, at most a read or two). */
  private held: Buffer[] = [];
  private readonly guard: ReadGuard;
  /** The client sends heart-beats we check (the heart-beat timer watches it, not the inactivity timeout). */
  private clientBeats = false;
  version: StompVersion = "1.0";
  principal: Principal | null = null;
  clientId: string | null = null;
  private readonly subs = new Map<string, Subscription>();
  private readonly txs = new Map<string, Transaction>();
  /** Receipts leave in frame order: each waits for everything before it (spec: a RECEIPT confirms all earlier frames). */
  private receiptChain: Promise<void> = Promise.resolve();
  private receiptsOutstanding = 0;
  /** Receipt ids of SENDs waiting for the sync policy, oldest first (named when the node demotes). */
  private readonly heldReceipts: string[] = [];
  private lastRead = Date.now();
  private lastWrite = Date.now();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private paused = false;
  /** Ends a flow-control pause that lasted sendFailIfNoSpaceAfterTimeout (see applyFlowControl). */
  private flowControlTimer: NodeJS.Timeout | null = null;
  /** The negotiated heart-beat (ms; 0 = none): we send every `send`, the client must be heard every `expect`. */
  private beats = { send: 0, expect: 0 };
  readonly stats = { framesIn: 0, framesOut: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
  closeReason: CloseReason | null = null;

  constructor(private readonly o: StompConnectionOptions) {
    this.id = o.id;
    // Until the peer has authenticated it may send one CONNECT of a few KiB, and nothing behind
    // it is parsed before the check is over (aedes' connect handler is the model).
    const preAuth = Math.min(o.maxFrameSize, o.policy.maxConnectFrameSize);
    this.parser = new StompParser({ maxFrameSize: preAuth, maxHeaders: 1000, maxHeaderLineLength: preAuth });
    this.parser.haltAfterFrame = true;
    this.guard = new ReadGuard({
      parser: this.parser,
      transport: o.transport,
      memory: o.broker.memory,
      policy: o.policy,
      flowPaused: () => this.paused,
      // A consumer waiting on a quiet destination sends nothing and is not idle: stock clients
      // (stomp.py's default is heart-beat 0,0) would otherwise be cut every inactivityTimeout.
      // The timeout is for sockets that hold a slot and do nothing at all.
      idleCheckApplies: () => this.state === "connected" && !this.clientBeats && this.subs.size === 0,
      fail: (reason, message) => {
        this.o.logger.info({ conn: this.id, remote: this.remoteAddress, reason }, message);
        this.fail(reason, message);
      },
    });
    this.connectTimer = setTimeout(() => {
      if (this.state === "awaiting_connect") this.fail("connect_timeout", "No CONNECT frame within the connect timeout");
    }, o.policy.connectTimeout);
    this.connectTimer.unref();
  }

  get connectionId(): string {
    return this.id;
  }

  get remoteAddress(): string {
    return this.o.transport.remoteAddress;
  }

  get transportKind(): string {
    return this.o.transport.kind;
  }

  get subscriptions(): ReadonlyMap<string, Subscription> {
    return this.subs;
  }

  get isOpen(): boolean {
    return this.state !== "closed";
  }

  /** Bytes from the transport. */
  receive(chunk: Buffer): void {
    if (this.state === "closed") return;
    if (this.state === "authenticating") {
      this.held.push(chunk);
      return;
    }
    this.lastRead = Date.now();
    this.guard.read();
    this.stats.bytesIn += chunk.length;
    const events = this.parser.push(chunk);
    for (const ev of events) {
      if (!this.acceptsFrames()) break;
      if (ev.kind === "frame") {
        this.stats.framesIn++;
        this.handle(ev.frame);
      } else if (ev.kind === "error") {
        this.o.logger.info({ conn: this.id, remote: this.remoteAddress, code: ev.code }, ev.message);
        this.fail(PARSE_ERROR_REASON[ev.code], ev.message);
        return;
      }
    }
    // The parser stopped after a CONNECT: what followed it in this chunk waits for the check, or
    // is read now if the answer came at once.
    const rest = this.parser.takeRest();
    if (rest) {
      this.stats.bytesIn -= rest.length; // counted again when it is parsed
      if (this.isAuthenticating()) this.held.unshift(rest);
      else if (this.acceptsFrames()) {
        this.receive(rest);
        return;
      }
    }
    this.guard.afterParse();
  }

  /** Bytes the transport has received of a message it has not handed over yet (WebSocket). */
  transportHolding(bytes: number): void {
    if (this.state === "closed") return;
    this.lastRead = Date.now();
    this.guard.read();
    this.guard.heldBelow(bytes);
  }

  private isAuthenticating(): boolean {
    return this.state === "authenticating";
  }

  /** True once CONNECT was accepted (the pre-authentication limits no longer apply). */
  get authenticated(): boolean {
    return this.principal !== null;
  }

  /** False once closed or after DISCONNECT (a method: the state changes while a chunk's frames are handled). */
  private acceptsFrames(): boolean {
    return this.state === "awaiting_connect" || this.state === "connected";
  }

  /** The transport's outgoing buffer drained: resume dispatch to this connection's consumers. */
  drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    for (const sub of this.subs.values()) sub.source?.scheduleDispatch();
  }

  /** The transport closed underneath us. */
  transportClosed(error?: Error): void {
    this.close(error ? "socket_error" : "client_eof");
  }

  writable(): boolean {
    return this.state === "connected" && this.o.transport.pendingBytes() < this.o.policy.maxPendingBytesPerConnection;
  }

  sendMessage(sub: Subscription, msg: BrokerMessage): void {
    const ack = sub.options.ackMode !== "auto" && this.version === "1.2" ? `${msg.id}|${sub.id}` : null;
    this.stats.messagesOut++;
    this.write(encodeMessage({ subscription: sub.id, destination: sub.options.destination, ack }, msg, this.version));
  }

  private write(buf: Buffer): void {
    if (this.state === "closed") return;
    this.stats.framesOut++;
    this.stats.bytesOut += buf.length;
    this.lastWrite = Date.now();
    this.o.transport.write(buf);
  }

  private sendFrame(command: string, headers: StompHeaders, body?: Buffer): void {
    this.write(encodeFrame(command, headers, body, this.version));
  }

  private sendReceipt(receipt: string): void {
    this.sendFrame("RECEIPT", [["receipt-id", receipt]]);
  }

  /** Sends ERROR (message header + details body) and closes — the spec's rule for every ERROR. */
  fail(reason: CloseReason, message: string, frame?: StompFrame, extra: StompHeaders = []): void {
    if (this.state === "closed") return;
    const headers: StompHeaders = [["message", message], ["content-type", "text/plain"], ...extra];
    const receipt = frame ? getHeader(frame, "receipt") : undefined;
    if (receipt !== undefined) headers.push(["receipt-id", receipt]);
    const body = frame ? Buffer.from(`${message}\n\nframe: ${frame.command}\n`) : Buffer.from(message + "\n");
    this.sendFrame("ERROR", headers, body);
    this.close(reason);
  }

  /** Idempotent: releases subscriptions (their in-flight messages are redelivered) and rolls back transactions. */
  close(reason: CloseReason): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.closeReason = reason;
    this.endPause(); // a paused producer that goes away is no longer blocked
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.guard.stop();
    this.held = [];
    this.parser.discard(); // a half-received frame is freed now, not when the socket object goes
    for (const w of this.drainWaiters.splice(0)) w();
    for (const tx of this.txs.values()) this.rollback(tx);
    this.txs.clear();
    for (const sub of this.subs.values()) this.o.broker.unsubscribe(sub, false);
    this.subs.clear();
    this.o.broker.connectionClosed(this.id);
    if (reason === "socket_error" || reason === "client_eof" || reason === "heartbeat_timeout") this.o.transport.destroy();
    else this.o.transport.end();
    this.o.hooks.onClose(this, reason);
  }

  private handle(frame: StompFrame): void {
    const cmd = frame.command;
    if (!CLIENT_COMMANDS.has(cmd)) {
      this.fail("unknown_command", `Unknown STOMP action: ${cmd}`, frame);
      return;
    }
    if (this.state === "awaiting_connect") {
      if (cmd !== "CONNECT" && cmd !== "STOMP") {
        this.fail("protocol_error", "Not connected.", frame);
        return;
      }
      this.onConnect(frame);
      return;
    }
    try {
      switch (cmd) {
        case "CONNECT":
        case "STOMP":
          this.fail("protocol_error", "Already connected.", frame);
          return;
        case "SEND":
          this.onSend(frame);
          return;
        case "SUBSCRIBE":
          this.onSubscribe(frame);
          return;
        case "UNSUBSCRIBE":
          this.onUnsubscribe(frame);
          return;
        case "ACK":
        case "NACK":
          this.onAck(frame, cmd === "NACK");
          return;
        case "BEGIN":
        case "COMMIT":
        case "ABORT":
          this.onTransaction(frame, cmd);
          return;
        case "DISCONNECT":
          this.onDisconnect(frame);
          return;
      }
    } catch (err) {
      if (err instanceof BrokerError) {
        this.fail("protocol_error", err.message, frame);
        return;
      }
      this.o.logger.error({ err, conn: this.id, command: cmd }, "frame handling failed");
      this.fail("protocol_error", `internal error while handling ${cmd}`, frame);
    }
  }

  private onConnect(frame: StompFrame): void {
    const accept = getHeader(frame, "accept-version");
    const offered = accept === undefined ? ["1.0"] : accept.split(",").map((v) => v.trim());
    const version = SUPPORTED.find((v) => offered.includes(v));
    if (!version) {
      this.fail("version_mismatch", `Supported protocol versions are ${SUPPORTED.slice().reverse().join(",")}`, frame, [
        ["version", "1.0,1.1,1.2"],
      ]);
      return;
    }
    this.version = version;
    this.parser.version = version;
    const notServing = this.o.serving();
    if (notServing) {
      this.fail("not_master", notServing, frame);
      return;
    }
    // Parsed before the check so a bad header costs no password check.
    let client: [number, number] = [0, 0];
    const hb = getHeader(frame, "heart-beat");
    if (hb !== undefined && version !== "1.0") {
      const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(hb);
      if (!m) {
        this.fail("protocol_error", `Invalid heart-beat header: ${hb}`, frame);
        return;
      }
      client = [Number(m[1]), Number(m[2])];
    }
    const host = hostOf(this.remoteAddress);
    const wait = this.o.loginThrottle?.waitMs(host, Date.now()) ?? 0;
    if (wait > 0) {
      this.o.logger.warn({ conn: this.id, remote: this.remoteAddress, waitMs: wait }, "login refused: too many failed logins from this address");
      this.fail("auth_throttled", `Too many failed logins from ${host}, try again in ${Math.ceil(wait / 1000)} s`, frame);
      return;
    }
    this.state = "authenticating";
    const checked = this.o.access.authenticate(getHeader(frame, "login"), getHeader(frame, "passcode"));
    if (!(checked instanceof Promise)) {
      this.finishConnect(frame, version, client, checked, false);
      return;
    }
    // The check runs on the libuv pool; meanwhile nothing more is read from this socket.
    this.o.transport.pause();
    checked.then(
      (principal) => this.finishConnect(frame, version, client, principal, true),
      (err: unknown) => {
        this.o.logger.error({ err, conn: this.id }, "authentication failed unexpectedly");
        this.fail("auth_failed", "Authentication failed: internal error", frame);
      },
    );
  }

  /** The CONNECT's credentials were checked: answer CONNECTED (then read on) or ERROR. */
  private finishConnect(frame: StompFrame, version: StompVersion, client: [number, number], principal: Principal | string, paused: boolean): void {
    if (this.state !== "authenticating") return; // closed meanwhile (socket gone, node demoted)
    const notServing = this.o.serving();
    if (notServing) {
      this.fail("not_master", notServing, frame);
      return;
    }
    if (typeof principal === "string") {
      const login = getHeader(frame, "login");
      this.o.loginThrottle?.failed(hostOf(this.remoteAddress), Date.now());
      this.o.logger.warn({ conn: this.id, remote: this.remoteAddress, login }, `authentication refused: ${principal}`);
      this.fail("auth_failed", principal, frame);
      return;
    }
    this.principal = principal;
    const deal = negotiateHeartBeat(client, this.o.policy.heartBeat, this.o.policy.minHeartBeat);
    const clientId = getHeader(frame, "client-id");
    if (clientId) this.clientId = clientId;
    this.state = "connected";
    if (this.connectTimer) clearTimeout(this.connectTimer);
    const headers: StompHeaders = [
      ["version", version],
      ["heart-beat", `${deal.answer[0]},${deal.answer[1]}`],
      ["session", this.id],
      ["server", SERVER_NAME],
    ];
    const receipt = getHeader(frame, "receipt");
    if (receipt !== undefined) headers.push(["receipt-id", receipt]);
    this.sendFrame("CONNECTED", headers);
    this.clientBeats = deal.expectEvery > 0;
    this.beats = { send: deal.sendEvery, expect: deal.expectEvery };
    this.startHeartbeats(deal.sendEvery, deal.expectEvery);
    // Authenticated: full-size frames from now on; what arrived meanwhile is parsed now.
    this.parser.haltAfterFrame = false;
    this.parser.setMaxFrameSize(this.o.maxFrameSize, Math.min(this.o.maxFrameSize, 64 * 1024));
    this.lastRead = Date.now();
    this.guard.read();
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.receive(chunk);
    if (paused && this.state === "connected" && !this.paused) this.o.transport.resume();
  }

  /** Spec 1.1 "Heart-beating": we send every `sendEvery` ms of silence; the peer must be heard every `expectEvery` ms (with a grace margin). */
  private startHeartbeats(sendEvery: number, expectEvery: number): void {
    if (!sendEvery && !expectEvery) return;
    const deadAfter = expectEvery * this.o.policy.heartBeatGraceMultiplier;
    const tick = Math.max(50, Math.min(sendEvery || Infinity, expectEvery || Infinity) / 2);
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      // While this side is not reading (flow control, memory limit) the peer's silence is ours.
      if (this.paused || this.guard.readingStopped) this.lastRead = now;
      if (deadAfter && now - this.lastRead > deadAfter) {
        this.o.logger.info({ conn: this.id, silentMs: now - this.lastRead }, "heart-beat timeout");
        this.close("heartbeat_timeout");
        return;
      }
      if (sendEvery && now - this.lastWrite >= sendEvery) {
        this.lastWrite = now;
        this.o.transport.write(Buffer.from("\n"));
      }
    }, tick);
    this.heartbeatTimer.unref();
  }

  private requireHeader(frame: StompFrame, name: string, message: string): string | null {
    const v = getHeader(frame, name);
    if (v === undefined || v === "") {
      this.fail("protocol_error", message, frame);
      return null;
    }
    return v;
  }

  private authorize(action: "read" | "write" | "admin", destination: string, frame: StompFrame): boolean {
    const refusal = this.o.access.authorize(this.principal as Principal, action, destination);
    if (refusal === null) return true;
    this.o.logger.warn({ conn: this.id, user: this.principal?.user, action, destination }, `not authorized: ${refusal}`);
    this.fail("not_authorized", refusal, frame);
    return false;
  }

  private onSend(frame: StompFrame): void {
    const destination = this.requireHeader(frame, "destination", "SEND received without a Destination specified!");
    if (destination === null) return;
    const target = this.o.broker.resolve(destination, this.id);
    if (!this.authorize("write", target.key, frame)) return;
    const headers: StompHeaders = [];
    let persistent = false;
    let priority = 4;
    let expires = 0;
    let hasContentLength = false;
    const fh = frame.headers;
    for (let i = 0; i < fh.length; i++) {
      const [k, v] = fh[i]!;
      // Spec 1.2: the first occurrence of a repeated header is the one that counts. A linear look
      // back is cheaper than a Set per frame for the handful of headers a SEND carries.
      if (seenBefore(fh, i, k)) continue;
      switch (k) {
        case "persistent":
          persistent = v === "true";
          continue;
        case "priority": {
          const p = Number(v);
          if (!Number.isInteger(p) || p < 0 || p > 9) {
            this.fail("protocol_error", `priority must be an integer 0-9, got "${v}"`, frame);
            return;
          }
          priority = p;
          continue;
        }
        case "expires": {
          const e = Number(v);
          if (!Number.isFinite(e) || e < 0) {
            this.fail("protocol_error", `expires must be an absolute time in epoch milliseconds, got "${v}"`, frame);
            return;
          }
          expires = e;
          continue;
        }
        case "content-length":
          hasContentLength = true;
          continue;
        case "reply-to":
          headers.push([k, this.o.broker.remoteName(v, this.id)]);
          continue;
      }
      if (BROKER_HEADERS.has(k)) continue;
      headers.push([k, v]);
    }
    // The body is still a view into the socket chunk: Broker.send copies it exactly once (into the
    // journal record or an allocation of its own, see ownedBody); a transactional send, kept until
    // COMMIT, gets its own copy now.
    const txName = getHeader(frame, "transaction");
    const body = txName === undefined ? frame.body : ownedBody(frame.body);
    const msg = this.o.broker.createMessage({
      destination: target.key,
      headers,
      body,
      persistent,
      hasContentLength,
      priority,
      expires,
    });
    this.stats.messagesIn++;
    if (txName !== undefined) {
      const tx = this.txs.get(txName);
      if (!tx) {
        this.fail("protocol_error", `Invalid transaction id: ${txName}`, frame);
        return;
      }
      tx.sends.push({ target, msg });
      this.receiptAfter(frame, -1);
      return;
    }
    const position = this.o.broker.send(target, msg, this.id);
    this.receiptAfter(frame, position);
    this.applyFlowControl(persistent);
  }

  /**
   * Producer flow control: when the node is over its memory limit, stop reading this socket until
   * usage falls (ActiveMQ's producerFlowControl). Persistent sends are paused only by the store
   * limit, because their bodies can live on disk.
   */
  private applyFlowControl(persistent: boolean): void {
    if (this.paused) return;
    const broker = this.o.broker;
    const journal = broker.store.journal;
    // Persistent bodies already in the journal leave RAM first: only what cannot (non-persistent
    // messages, redeliveries, in-flight ones) may pause a producer.
    const overMemory = !persistent && broker.memory.isFull() && !broker.reclaimMemory();
    const overStore = persistent && journal.endPosition - journal.startPosition > this.o.policy.storeLimit;
    // Records not yet handed to the OS live in the journal's memory: a producer faster than the
    // disk must wait for the writer, or that queue would grow without bound.
    const overJournal = persistent && journal.endPosition - journal.writtenPosition > JOURNAL_BACKLOG_LIMIT;
    if (!overMemory && !overStore && !overJournal) return;
    this.paused = true;
    broker.memory.blockedProducers++;
    this.o.transport.pause();
    const limit = this.o.policy.sendFailIfNoSpaceAfterTimeout;
    const why = overMemory
      ? { limit: "memory", text: `node memory is at ${percentOf(broker.memory.usage, broker.memory.limit)} % of its memoryLimit (${mib(broker.memory.limit)}): non-persistent messages wait in RAM for consumers` }
      : overStore
        ? { limit: "store", text: `the journal holds ${mib(journal.endPosition - journal.startPosition)}, over the storeLimit (${mib(this.o.policy.storeLimit)})` }
        : { limit: "journal", text: `the journal's writer is ${mib(journal.endPosition - journal.writtenPosition)} behind (the disk is slower than the producers)` };
    this.o.logger.info({ conn: this.id, limit: why.limit, maxPauseMs: limit }, `producer paused by flow control: ${why.text}`);
    if (limit > 0) {
      // Told why and how long it waited, instead of waiting forever: the client can resend
      // elsewhere or later (what it sent after the last RECEIPT it got was not read).
      this.flowControlTimer = setTimeout(() => {
        this.flowControlTimer = null;
        this.fail("flow_control_timeout", `Producer flow control: paused for ${limit} ms and still over the limit: ${why.text}. Frames after the last RECEIPT were not read; resend them later`, undefined, [
          ["flow-control", why.limit],
          ["paused-ms", String(limit)],
        ]);
      }, limit);
      this.flowControlTimer.unref();
    }
    const resume = (): void => {
      if (this.state === "closed") return; // close() ended the pause
      if (persistent && journal.endPosition - journal.startPosition > this.o.policy.storeLimit) {
        setTimeout(resume, 200).unref();
        return;
      }
      this.endPause();
      this.o.transport.resume();
    };
    if (overMemory) broker.memory.whenAvailable(resume);
    else if (overJournal) journal.written().then(resume, resume);
    else setTimeout(resume, 200).unref();
  }

  private endPause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.o.broker.memory.blockedProducers--;
    if (this.flowControlTimer) clearTimeout(this.flowControlTimer);
    this.flowControlTimer = null;
  }

  /** Sends the frame's RECEIPT once `position` satisfies the sync policy and all earlier receipts went out. */
  private receiptAfter(frame: StompFrame, position: number): void {
    const receipt = getHeader(frame, "receipt");
    // Without a receipt nothing is promised, so nothing waits for the disk (the journal's writer
    // still writes it out behind).
    if (receipt === undefined) return;
    // The gate's answer is observed the moment it is asked for, not when this receipt's turn comes:
    // a demotion rejects every held receipt at once, while the earlier ones may still be waiting
    // (e.g. on the write fence), and a rejection nobody handles yet would end the process.
    const refused: Promise<Error | null> | null =
      position >= 0 ? this.o.broker.store.awaitDurable(position).then(() => null, (err: unknown) => asError(err)) : null;
    if (refused === null && this.receiptsOutstanding === 0) {
      this.sendReceipt(receipt);
      return;
    }
    this.receiptsOutstanding++;
    this.heldReceipts.push(receipt);
    const before = this.receiptChain;
    this.receiptChain = (async () => {
      await before;
      const err = refused ? await refused : null;
      this.heldReceipts.shift();
      try {
        if (err) this.fail("not_master", `message could not be stored: ${err.message}`, frame);
        else this.sendReceipt(receipt);
      } finally {
        this.receiptsOutstanding--;
      }
    })().catch(this.receiptChainBroken);
  }

  /** Only a bug gets here (every link handles its own failure); later links must still run. */
  private readonly receiptChainBroken = (err: unknown): void => {
    this.o.logger.error({ err, conn: this.id }, "receipt chain failed");
    this.fail("protocol_error", "internal error while sending a receipt");
  };

  /**
   * The node stopped being master. Held receipts will never be given, so the ERROR says so and
   * why (a failover client resends those messages to the new master), then the connection closes.
   */
  stopServing(why: string): void {
    const held = this.heldReceipts.length;
    if (held === 0) {
      this.fail("not_master", `This node is no longer the master: ${why}`);
      return;
    }
    // receipt-id names the oldest held receipt; every later one is withheld as well.
    this.fail(
      "not_master",
      `message could not be stored: no longer master: ${why} (${held} receipt(s) withheld, from ${this.heldReceipts[0]})`,
      undefined,
      [["receipt-id", this.heldReceipts[0]!]],
    );
  }

  private onSubscribe(frame: StompFrame): void {
    const destination = this.requireHeader(frame, "destination", "SUBSCRIBE received without a Destination specified!");
    if (destination === null) return;
    let id = getHeader(frame, "id");
    if (id === undefined || id === "") {
      if (this.version !== "1.0") {
        this.fail("protocol_error", "SUBSCRIBE received without a subscription id!", frame);
        return;
      }
      id = destination; // STOMP 1.0 subscriptions may be anonymous; the destination names them
    }
    if (this.subs.has(id)) {
      this.fail("protocol_error", `A subscription with id ${id} already exists on this connection`, frame);
      return;
    }
    const ackText = getHeader(frame, "ack") ?? "auto";
    if (ackText !== "auto" && ackText !== "client" && ackText !== "client-individual") {
      this.fail("protocol_error", `Invalid ack mode: ${ackText} (auto, client or client-individual)`, frame);
      return;
    }
    const target = this.o.broker.resolve(destination, this.id);
    if (!this.authorize("read", target.key, frame)) return;
    const isTopic = target.kind === "topic" || target.kind === "temp-topic";
    if (getHeader(frame, "browser") === "true") {
      this.startBrowse(frame, id, destination, target, isTopic);
      return;
    }
    let prefetch = isTopic ? this.o.policy.topicPrefetch : this.o.policy.queuePrefetch;
    const prefetchText = getHeader(frame, "activemq.prefetchSize");
    if (prefetchText !== undefined) {
      const n = Number(prefetchText);
      if (!Number.isInteger(n) || n < 1) {
        this.fail("protocol_error", `activemq.prefetchSize must be a positive integer, got "${prefetchText}"`, frame);
        return;
      }
      prefetch = n;
    }
    const selectorText = getHeader(frame, "selector");
    let selector = null;
    if (selectorText !== undefined && selectorText.trim() !== "") {
      const compiled = compileSelector(selectorText);
      if (!compiled.ok) {
        this.fail("protocol_error", `Invalid selector: ${compiled.error}`, frame);
        return;
      }
      selector = compiled.selector;
    }
    const subName = getHeader(frame, "activemq.subscriptionName") ?? getHeader(frame, "durable-subscription-name");
    let durable: { clientId: string; subName: string } | undefined;
    if (subName) {
      if (!isTopic) {
        this.fail("protocol_error", "cannot durably subscribe to a Queue destination!", frame);
        return;
      }
      if (!this.clientId) {
        this.fail("protocol_error", "a durable subscription needs a client-id header on CONNECT", frame);
        return;
      }
      durable = { clientId: this.clientId, subName };
    }
    const sub = this.o.broker.subscribe(
      this,
      target,
      {
        id,
        destination,
        ackMode: ackText as AckMode,
        prefetch,
        selector,
        selectorText,
        exclusive: getHeader(frame, "activemq.exclusive") === "true",
        priority: Number(getHeader(frame, "activemq.priority") ?? 0) || 0,
        noLocal: getHeader(frame, "activemq.noLocal") === "true",
      },
      durable,
    );
    this.subs.set(id, sub);
    const receipt = getHeader(frame, "receipt");
    if (receipt === undefined) return;
    // The RECEIPT must precede the first MESSAGE (ActiveMQ starts the consumer with prefetch 0,
    // sends the receipt, then raises it). The queue's first dispatch is on the next turn, so a
    // receipt sent now is early enough; one queued behind earlier receipts holds the consumer.
    if (this.receiptsOutstanding > 0) sub.held = true;
    this.sendReceiptOrdered(receipt, () => {
      if (!sub.held) return;
      sub.held = false;
      sub.source?.scheduleDispatch();
    });
  }

  /**
   * Queue browsing (ActiveMQ's `browser:true`, STOMP 1.1+): every waiting message is sent as a
   * MESSAGE without being consumed, then one MESSAGE with `browser:end` closes the browse. Other
   * consumers are unaffected: nothing is dispatched, acknowledged or moved.
   */
  private startBrowse(frame: StompFrame, id: string, destination: string, target: ResolvedTarget, isTopic: boolean): void {
    if (this.version === "1.0") {
      this.fail("protocol_error", "Queue Browser feature only valid for Stomp v1.1+ clients!", frame);
      return;
    }
    if (isTopic) {
      this.fail("protocol_error", "browse subscriptions are only valid on queues", frame);
      return;
    }
    const queue = this.o.broker.queues.get(target.key);
    const receipt = getHeader(frame, "receipt");
    if (receipt !== undefined) this.sendReceiptOrdered(receipt);
    void (async () => {
      if (queue) {
        for await (const m of queue.browse()) {
          if (this.state !== "connected") return;
          const h: StompHeaders = [
            ["subscription", id],
            ["message-id", m.id],
            ["destination", destination],
            ["browser", "true"],
            ["priority", String(m.priority)],
            ["expires", String(m.expires)],
            ["timestamp", String(m.timestamp)],
          ];
          if (m.persistent) h.push(["persistent", "true"]);
          for (const kv of m.headers) h.push(kv);
          if (m.hasContentLength) h.push(["content-length", String(m.bodySize)]);
          this.write(encodeFrame("MESSAGE", h, m.body ?? undefined, this.version));
          if (this.o.transport.pendingBytes() > this.o.policy.maxPendingBytesPerConnection) await this.untilDrained();
        }
      }
      if (this.state !== "connected") return;
      this.write(encodeFrame("MESSAGE", [["subscription", id], ["message-id", "0"], ["destination", destination], ["browser", "end"]], undefined, this.version));
    })().catch((err: unknown) => {
      this.o.logger.error({ err, conn: this.id }, "browse failed");
      this.fail("protocol_error", "browse failed: the queue could not be read");
    });
  }

  private drainWaiters: Array<() => void> = [];

  private untilDrained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private sendReceiptOrdered(receipt: string, after?: () => void): void {
    if (this.receiptsOutstanding === 0) {
      this.sendReceipt(receipt);
      after?.();
      return;
    }
    this.receiptsOutstanding++;
    const before = this.receiptChain;
    this.receiptChain = before
      .then(() => {
        this.receiptsOutstanding--;
        this.sendReceipt(receipt);
        after?.();
      })
      .catch(this.receiptChainBroken);
  }

  private onUnsubscribe(frame: StompFrame): void {
    let id = getHeader(frame, "id");
    if (id === undefined && this.version === "1.0") id = getHeader(frame, "destination");
    if (id === undefined) {
      this.fail("protocol_error", "UNSUBSCRIBE received without a subscription id!", frame);
      return;
    }
    const sub = this.subs.get(id);
    const destroyName = getHeader(frame, "activemq.subscriptionName") ?? getHeader(frame, "durable-subscription-name");
    if (!sub) {
      this.fail("protocol_error", `No subscription with id ${id}`, frame);
      return;
    }
    this.subs.delete(id);
    this.o.broker.unsubscribe(sub, destroyName !== undefined);
    const receipt = getHeader(frame, "receipt");
    if (receipt !== undefined) this.sendReceiptOrdered(receipt);
  }

  /** Finds the subscription and message an ACK/NACK names, per version (brokers.md (e)13). */
  private locateAck(frame: StompFrame): { sub: Subscription; messageId: string } | string {
    if (this.version === "1.2") {
      const ack = getHeader(frame, "id");
      if (!ack) return "ACK received without a ack id for acknowledge!";
      const bar = ack.indexOf("|");
      const messageId = bar >= 0 ? ack.slice(0, bar) : ack;
      const sub = bar >= 0 ? this.subs.get(ack.slice(bar + 1)) : this.findInflight(messageId);
      if (!sub || !sub.inflight.has(messageId)) return `Unexpected ACK received for message-id [${ack}]`;
      return { sub, messageId };
    }
    const messageId = getHeader(frame, "message-id");
    if (!messageId) return "ACK received without a message-id to acknowledge!";
    const subId = getHeader(frame, "subscription");
    const sub = subId !== undefined && this.version === "1.1" ? this.subs.get(subId) : this.findInflight(messageId);
    if (!sub || !sub.inflight.has(messageId)) return `Unexpected ACK received for message-id [${messageId}]`;
    return { sub, messageId };
  }

  private findInflight(messageId: string): Subscription | undefined {
    for (const sub of this.subs.values()) if (sub.inflight.has(messageId)) return sub;
    return undefined;
  }

  private onAck(frame: StompFrame, nack: boolean): void {
    if (nack && this.version === "1.0") {
      this.fail("protocol_error", "NACK is not part of STOMP 1.0", frame);
      return;
    }
    const found = this.locateAck(frame);
    if (typeof found === "string") {
      this.fail("protocol_error", found, frame);
      return;
    }
    const { sub, messageId } = found;
    const msgs = sub.takeAcked(messageId) ?? [];
    const txName = getHeader(frame, "transaction");
    if (txName !== undefined) {
      const tx = this.txs.get(txName);
      if (!tx) {
        // Put them back in flight so the failed ACK changes nothing.
        for (const m of msgs) sub.inflight.set(m.id, m);
        this.fail("protocol_error", `Invalid transaction id: ${txName}`, frame);
        return;
      }
      if (nack) {
        // A transactional NACK takes effect at once; rolling back a NACK has no meaning for redelivery.
        for (let i = msgs.length - 1; i >= 0; i--) sub.source?.redeliver(msgs[i]);
      } else {
        for (const m of msgs) tx.acks.push({ sub, msg: m });
      }
      this.receiptAfter(frame, -1);
      return;
    }
    let position = -1;
    if (nack) {
      for (let i = msgs.length - 1; i >= 0; i--) sub.source?.redeliver(msgs[i]);
    } else {
      for (const m of msgs) {
        sub.acked++;
        sub.source?.acknowledge(m, true);
      }
      // An acknowledged ACK must survive a crash too: its REMOVE record is covered by the receipt.
      if (msgs.some((m) => m.position >= 0)) position = this.o.broker.store.journal.endPosition - 1;
    }
    this.receiptAfter(frame, position);
  }

  private onTransaction(frame: StompFrame, cmd: "BEGIN" | "COMMIT" | "ABORT"): void {
    const name = getHeader(frame, "transaction");
    if (!name) {
      this.fail("protocol_error", `Must specify the transaction you are beginning`, frame);
      return;
    }
    if (cmd === "BEGIN") {
      if (this.txs.has(name)) {
        this.fail("protocol_error", `The transaction was already started: ${name}`, frame);
        return;
      }
      this.txs.set(name, { sends: [], acks: [] });
      this.receiptAfter(frame, -1);
      return;
    }
    const tx = this.txs.get(name);
    if (!tx) {
      this.fail("protocol_error", `Invalid transaction id: ${name}`, frame);
      return;
    }
    this.txs.delete(name);
    if (cmd === "ABORT") {
      this.rollback(tx);
      this.receiptAfter(frame, -1);
      return;
    }
    const { position, apply } = this.o.broker.commit(tx.sends, tx.acks);
    apply();
    this.receiptAfter(frame, position);
  }

  /** ABORT or connection loss: sends are dropped, acked messages are handed back for redelivery. */
  private rollback(tx: Transaction): void {
    for (let i = tx.acks.length - 1; i >= 0; i--) {
      const { sub, msg } = tx.acks[i];
      sub.source?.redeliver(msg);
    }
  }

  private onDisconnect(frame: StompFrame): void {
    this.state = "disconnecting";
    const receipt = getHeader(frame, "receipt");
    if (receipt === undefined) {
      this.close("client_disconnect");
      return;
    }
    this.receiptsOutstanding++;
    const before = this.receiptChain;
    this.receiptChain = before
      .then(() => {
        this.sendReceipt(receipt);
        this.close("client_disconnect");
      })
      .catch(this.receiptChainBroken);
  }

  /** A summary for the admin API. */
  describe(): ConnectionDescription {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      transport: this.transportKind,
      version: this.version,
      user: this.principal?.user ?? null,
      clientId: this.clientId,
      connectedAt: new Date(this.connectedAt).toISOString(),
      subscriptions: [...this.subs.values()].map((s) => ({
        id: s.id,
        destination: s.options.destination,
        ackMode: s.options.ackMode,
        prefetch: s.options.prefetch,
        inflight: s.inflight.size,
        dispatched: s.dispatched,
        selector: s.options.selectorText ?? null,
      })),
      paused: this.paused,
      heartBeat: { sendEveryMs: this.beats.send, expectEveryMs: this.beats.expect },
      lastReadAgoMs: Math.max(0, Date.now() - this.lastRead),
      ...this.stats,
    };
  }
}

/** A connection as the admin API lists it (server/runtime/admin/adminResponses.ts connectionRowSchema). */
export interface ConnectionDescription {
  id: string;
  remoteAddress: string;
  transport: string;
  version: string;
  user: string | null;
  clientId: string | null;
  connectedAt: string;
  subscriptions: Array<{ id: string; destination: string; ackMode: string; prefetch: number; inflight: number; dispatched: number; selector: string | null }>;
  paused: boolean;
  framesIn: number;
  framesOut: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** The negotiated heart-beat (ms; 0 = none). */
  heartBeat: { sendEveryMs: number; expectEveryMs: number };
  /** Time since a byte was last read from the client. */
  lastReadAgoMs: number;
}

/** Whether header `name` occurs in `headers` before index `i`. */
function seenBefore(headers: StompHeaders, i: number, name: string): boolean {
  for (let j = 0; j < i; j++) if (headers[j]![0] === name) return true;
  return false;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function percentOf(used: number, limit: number): number {
  return limit > 0 ? Math.round((used / limit) * 100) : 100;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
