import { timingSafeEqual } from "node:crypto";
import { open } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import type { Journal } from "../store/Journal";
import { divergencePoint } from "./divergencePoint";
import {
  encodeFileChunk,
  encodeJson,
  encodeRecords,
  ReplDecoder,
  ReplType,
  type LoginRequest,
  type ShippedRecord,
  type Term,
} from "./replicationCodec";
import type { ReplicationGate } from "./ReplicationGate";
import { ReplicationTrace } from "./ReplicationTrace";

export interface ReplicationMasterOptions {
  host: string;
  port: number;
  nodeName: string;
  securityToken: string;
  journal: Journal;
  terms: () => Term[];
  /** The term this master serves (null for a legacy term id): logins for another term are refused. */
  term: number | null;
  gate: ReplicationGate;
  logger: Logger;
  /** Opt-in phase timing (TANDEM_REPL_TRACE=1): ship to mem ack and to disk ack, per slave link. */
  trace?: ReplicationTrace | null;
}

/** Bytes of records per Records frame; also the most one slave may have unsent in the socket. */
const BATCH_BYTES = 1024 * 1024;
const FILE_CHUNK = 1024 * 1024;

export interface SlaveLink {
  node: string;
  remote: string;
  /** Next position to ship. */
  cursor: number;
  ackedMem: number;
  ackedDisk: number;
  state: "syncing" | "streaming";
  connectedAt: number;
}

/** A slave link as the master keeps it; `shipped` holds (end position, time) while tracing. */
type Link = SlaveLink & { pumping: boolean; socket: Socket; shipped: Array<[number, number]> };

/**
 * The master's side of replication: accepts slaves (securityToken login), decides per slave
 * whether to truncate-and-stream or resend whole segment files, then streams every appended
 * record and feeds the slaves' acknowledgements to the gate that holds receipts.
 */
export class ReplicationMaster {
  private server: Server | null = null;
  private readonly links = new Map<Socket, Link>();
  private shipScheduled = false;
  /** The last Records frame encoded, by the journal range it holds (only read, never written to). */
  private lastFrame: { from: number; to: number; bytes: Buffer } | null = null;
  port = 0;

  constructor(private readonly o: ReplicationMasterOptions) {}

  async start(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.on("error", (err) => this.o.logger.error({ err }, "replication listener error"));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    this.port = typeof addr === "object" && addr ? addr.port : this.o.port;
    this.o.logger.info({ service: "replication", host: this.o.host, port: this.port }, "listening");
    return this.port;
  }

  /**
   * New records were appended: ship them to every streaming slave at the end of this event-loop
   * turn, so that what the turn appended (several producers' sends read in one poll phase) goes
   * out as one Records frame per slave — one socket write here, one read, flush and ack there —
   * instead of a frame per record. The journal's writer, started at the turn's first append, is
   * queued before this: the local write is under way while the records travel.
   */
  notify(): void {
    if (this.shipScheduled) return;
    this.shipScheduled = true;
    setImmediate(() => {
      this.shipScheduled = false;
      for (const link of this.links.values()) if (link.state === "streaming") void this.pump(link);
    });
  }

  slaves(): SlaveLink[] {
    return [...this.links.values()].map(({ node, remote, cursor, ackedMem, ackedDisk, state, connectedAt }) => ({
      node, remote, cursor, ackedMem, ackedDisk, state, connectedAt,
    }));
  }

  async stop(): Promise<void> {
    for (const link of this.links.values()) link.socket.destroy();
    this.links.clear();
    this.lastFrame = null;
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const decoder = new ReplDecoder();
    let link: Link | null = null;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const loginTimer = setTimeout(() => socket.destroy(), 10_000);
    socket.on("data", (chunk: Buffer) => {
      const { frames, error } = decoder.push(chunk);
      for (const f of frames) {
        if (f.type === ReplType.Login && !link) {
          clearTimeout(loginTimer);
          socket.pause();
          this.login(socket, f.body, remote).then(
            (l) => {
              link = l;
              socket.resume();
            },
            (err: Error) => {
              this.o.logger.warn({ err: err.message, remote }, "slave login failed");
              socket.end(encodeJson(ReplType.Error, { message: err.message }));
            },
          );
        } else if (f.type === ReplType.Ack && link) {
          if (this.o.trace) this.traceAck(link, f.memPosition, f.diskPosition);
          link.ackedMem = f.memPosition;
          link.ackedDisk = f.diskPosition;
          this.o.gate.onAck(`${link.node}@${remote}`, f.memPosition, f.diskPosition);
        } else {
          socket.destroy();
          return;
        }
      }
      if (error) {
        this.o.logger.warn({ remote, error }, "bad replication frame; closing link");
        socket.destroy();
      }
    });
    socket.on("drain", () => {
      if (link) void this.pump(link);
    });
    const gone = (): void => {
      clearTimeout(loginTimer);
      if (link) {
        this.links.delete(socket);
        this.o.gate.slaveGone(`${link.node}@${remote}`);
        this.o.logger.info({ slave: link.node, remote }, "slave disconnected");
      }
    };
    socket.on("close", gone);
    socket.on("error", () => socket.destroy());
  }

  private async login(socket: Socket, req: LoginRequest, remote: string): Promise<Link> {
    const given = Buffer.from(String(req.token ?? ""));
    const expected = Buffer.from(this.o.securityToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Error("securityToken does not match this group's");
    }
    if (typeof req.term === "number" && this.o.term !== null && req.term !== this.o.term) {
      throw new Error(`this master serves term ${this.o.term}, not term ${req.term} (stale address record)`);
    }
    const journal = this.o.journal;
    const terms = this.o.terms();
    const slaveTerms = Array.isArray(req.terms) ? req.terms : [];
    const dp = divergencePoint(
      { terms: slaveTerms, endPosition: Number(req.endPosition) || 0 },
      { terms, endPosition: journal.endPosition },
    );
    const link = {
      node: String(req.node ?? "?"),
      remote,
      cursor: 0,
      ackedMem: 0,
      ackedDisk: 0,
      state: "syncing" as "syncing" | "streaming",
      connectedAt: Date.now(),
      pumping: false,
      socket,
      shipped: [] as Array<[number, number]>,
    };
    if (dp !== null && dp >= journal.startPosition) {
      socket.write(encodeJson(ReplType.LoginOk, { mode: "stream", truncateTo: dp, master: this.o.nodeName, terms, ...this.ackMode() }));
      link.cursor = dp;
      this.o.logger.info({ slave: link.node, remote, from: dp, slaveEnd: req.endPosition }, "slave attached: streaming");
    } else {
      // Too far behind (or on another history): resend the segment files, then stream.
      socket.write(encodeJson(ReplType.LoginOk, { mode: "full", truncateTo: 0, master: this.o.nodeName, terms, ...this.ackMode() }));
      const upTo = journal.endPosition;
      await journal.written();
      for (const seg of journal.segmentFiles()) {
        const length = Math.min(seg.size, Math.max(0, upTo - seg.base));
        await this.sendFile(socket, seg.base, seg.path, length);
      }
      socket.write(encodeJson(ReplType.FilesDone, { endPosition: upTo }));
      link.cursor = upTo;
      this.o.logger.info({ slave: link.node, remote, upTo }, "slave attached after full resync");
    }
    link.state = "streaming";
    this.links.set(socket, link);
    void this.pump(link);
    return link;
  }

  /**
   * A policy that counts only slaves' disk positions has no use for the ack a slave would send on
   * arrival: asking for flush acks only halves the acks the master reads and the slaves write.
   * One that counts only memory has no use for a flush per frame on the slave (see LoginResponse.acks).
   */
  private ackMode(): { acks?: "disk" | "mem" } {
    const remote = this.o.gate.repl.remote;
    return remote === "disk" ? { acks: "disk" } : remote === "mem" ? { acks: "mem" } : {};
  }

  /** Ship-to-ack times: a frame is in memory on the slave when memPosition covers it, on disk when diskPosition does. */
  private traceAck(link: Link, mem: number, disk: number): void {
    const trace = this.o.trace!;
    for (const [end, at] of link.shipped) {
      if (end > link.ackedMem && end <= mem) trace.since("ship to slave mem ack", at);
    }
    while (link.shipped.length > 0 && link.shipped[0]![0] <= disk) trace.since("ship to slave disk ack", link.shipped.shift()![1]);
    trace.count("acks received");
  }

  private async sendFile(socket: Socket, base: number, path: string, length: number): Promise<void> {
    const fh = await open(path, "r");
    try {
      let offset = 0;
      while (offset < length) {
        const n = Math.min(FILE_CHUNK, length - offset);
        const buf = Buffer.allocUnsafe(n);
        const { bytesRead } = await fh.read(buf, 0, n, offset);
        if (bytesRead <= 0) break;
        if (!socket.write(encodeFileChunk(base, offset, buf.subarray(0, bytesRead)))) {
          await new Promise<void>((resolve) => socket.once("drain", resolve));
        }
        offset += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }

  /** Ships records from the slave's cursor to the end of the journal, respecting socket backpressure. */
  private async pump(link: Link): Promise<void> {
    if (link.pumping || link.socket.destroyed) return;
    link.pumping = true;
    try {
      while (link.cursor < this.o.journal.endPosition && !link.socket.destroyed) {
        if (link.socket.writableLength > BATCH_BYTES) return; // resumes on 'drain'
        const batch: ShippedRecord[] = [];
        let bytes = 0;
        const next = await this.o.journal.read(link.cursor, (r) => {
          batch.push({ position: r.position, payload: r.payload });
          bytes += r.payload.length;
          return bytes < BATCH_BYTES ? undefined : false;
        });
        if (batch.length === 0) break;
        // read() returns the position after the last record it delivered. Slaves that keep up
        // read the same records in the same turn: the first one's frame serves the others.
        const from = link.cursor;
        link.cursor = next;
        let frame = this.lastFrame;
        if (!frame || frame.from !== from || frame.to !== next) this.lastFrame = frame = { from, to: next, bytes: encodeRecords(batch) };
        link.socket.write(frame.bytes);
        if (this.o.trace) {
          this.o.trace.count("frames shipped");
          this.o.trace.count("records shipped", batch.length);
          link.shipped.push([next, ReplicationTrace.now()]);
        }
      }
    } catch (err) {
      this.o.logger.error({ err, slave: link.node }, "shipping records failed; dropping the slave link");
      link.socket.destroy();
    } finally {
      link.pumping = false;
    }
    if (link.cursor < this.o.journal.endPosition && !link.socket.destroyed && link.socket.writableLength <= BATCH_BYTES) {
      setImmediate(() => void this.pump(link));
    }
  }
}
