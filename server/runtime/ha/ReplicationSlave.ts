import { EventEmitter } from "node:events";
import { open } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Journal } from "../store/Journal";
import { segmentFileName } from "../store/recoverJournal";
import { decodeEntry, EntryType } from "../store/storeEntry";
import { encodeAck, encodeJson, MEM_ACK_FLUSH_MS, ReplDecoder, ReplType, type ReplFrame, type Term } from "./replicationCodec";
import { ReplicationTrace } from "./ReplicationTrace";
import type { TermHistory } from "./TermHistory";

export interface ReplicationSlaveOptions {
  host: string;
  port: number;
  nodeName: string;
  securityToken: string;
  journal: () => Journal;
  journalDir: string;
  /** Closes the journal and deletes its files (full resync). */
  wipeJournal: () => Promise<void>;
  /** Opens the journal on whatever files are in its directory now. */
  reopenJournal: () => Promise<Journal>;
  terms: TermHistory;
  /** The term of the master's address record being followed (sent with the login). */
  masterTerm: number | null;
  logger: Logger;
  /** Opt-in phase timing (TANDEM_REPL_TRACE=1): receive to durable, syncs per frame. */
  trace?: ReplicationTrace | null;
}

export interface ReplicationSlaveEvents {
  /**
   * The link ended (master gone, error, or stop()); carries the reason, and whether the master's
   * host actively refused the connection (ECONNREFUSED: nothing listens on its replication port).
   */
  closed: [string, { refused: boolean }];
  attached: [{ mode: "stream" | "full"; from: number }];
}

/**
 * The slave's side of replication: logs in with the group's token, truncates a divergent tail or
 * takes whole segment files, then appends the master's records at exactly the master's positions
 * and acknowledges how far it has them in memory and on disk.
 */
export class ReplicationSlave extends EventEmitter<ReplicationSlaveEvents> {
  private socket: Socket | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private ackScheduled = false;
  /** The master counts only durable positions (LoginOk `acks: "disk"`): no ack on arrival. */
  private diskAcksOnly = false;
  /** The master counts only memory positions (LoginOk `acks: "mem"`): background flushes. */
  private memAcksOnly = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private fileHandles = new Map<number, Awaited<ReturnType<typeof open>>>();
  /** While tracing: (end position, arrival time) of Records frames not yet durable. */
  private arrived: Array<[number, number]> = [];
  records = 0;
  master: string | null = null;

  constructor(private readonly o: ReplicationSlaveOptions) {
    super();
  }

  start(): void {
    const socket = connect({ host: this.o.host, port: this.o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    const decoder = new ReplDecoder();
    socket.on("connect", () => {
      const j = this.o.journal();
      socket.write(
        encodeJson(ReplType.Login, {
          token: this.o.securityToken,
          node: this.o.nodeName,
          endPosition: j.endPosition,
          startPosition: j.startPosition,
          terms: this.o.terms.list(),
          term: this.o.masterTerm,
        }),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      const { frames, error } = decoder.push(chunk);
      this.o.trace?.count("socket reads");
      for (const f of frames) this.chain = this.chain.then(() => this.handle(f)).catch((err: Error) => this.abort(err.message));
      if (error) this.abort(`bad frame from master: ${error}`);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => this.abort(err.message, err.code === "ECONNREFUSED"));
    socket.on("close", () => this.abort("connection closed"));
  }

  /** Ends the link and waits until no frame is being applied, so the journal can change hands. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.socket?.destroy();
    this.o.trace?.stop();
    await this.chain.catch(() => {});
    this.endFollowerMode();
    await this.closeFiles();
  }

  private abort(reason: string, refused = false): void {
    if (!this.socket) return;
    const s = this.socket;
    this.socket = null;
    s.destroy();
    void this.chain.catch(() => {}).then(async () => {
      this.endFollowerMode();
      await this.closeFiles();
      this.emit("closed", reason, { refused });
    });
  }

  private async handle(f: ReplFrame): Promise<void> {
    if (this.stopped) return;
    switch (f.type) {
      case ReplType.LoginOk: {
        this.master = f.body.master;
        this.diskAcksOnly = f.body.acks === "disk";
        this.memAcksOnly = f.body.acks === "mem";
        const j = this.o.journal();
        if (f.body.mode === "stream") {
          if (f.body.truncateTo < j.endPosition) {
            // What is known here: from `from` on, this log and the master's differ — the tail was
            // written in `tailTerm` (by this node or a master it followed) and the master's log
            // continues in `masterTerm` instead. The election picks the most up-to-date log
            // (Raft's rule), so within the sync policy's fault budget no acknowledged write is in it.
            const from = f.body.truncateTo;
            const termAt = (terms: Term[]): string | null => terms.filter((t) => t.start <= from).pop()?.id ?? null;
            this.o.logger.warn(
              {
                from,
                end: j.endPosition,
                bytes: j.endPosition - from,
                tailTerm: termAt(this.o.terms.list()),
                masterTerm: termAt(f.body.terms),
                master: f.body.master,
              },
              "truncating a divergent log tail that the master's log does not have",
            );
            await j.truncate(f.body.truncateTo);
          }
          await this.o.terms.truncate(f.body.truncateTo);
          this.emit("attached", { mode: "stream", from: f.body.truncateTo });
          this.ack();
        } else {
          this.o.logger.warn({ master: f.body.master }, "full resync: replacing this node's journal with the master's segments");
          await this.o.wipeJournal();
          await this.o.terms.replace(f.body.terms);
        }
        return;
      }
      case ReplType.FileChunk: {
        let fh = this.fileHandles.get(f.base);
        if (!fh) {
          fh = await open(join(this.o.journalDir, segmentFileName(f.base)), "w");
          this.fileHandles.set(f.base, fh);
        }
        await fh.write(f.data, 0, f.data.length, f.offset);
        return;
      }
      case ReplType.FilesDone: {
        for (const fh of this.fileHandles.values()) await fh.sync();
        await this.closeFiles();
        const j = await this.o.reopenJournal();
        if (j.endPosition !== f.endPosition) {
          throw new Error(`full resync ended at ${j.endPosition}, master said ${f.endPosition}`);
        }
        await this.o.terms.truncate(f.endPosition);
        this.emit("attached", { mode: "full", from: f.endPosition });
        this.ack();
        return;
      }
      case ReplType.Records: {
        const j = this.o.journal();
        // Follower mode (Journal.blockingDurableWrites) while this link applies records, undone when
        // it ends — only when the master waits for the flush anyway: under a policy that counts
        // memory the arrival ack must not wait behind a blocking flush in the same turn.
        j.blockingDurableWrites = this.diskAcksOnly;
        // Between background flushes (memory acks) the records stay queued in the journal and go
        // out with the flush, in one write; twice the flush interval so the flush always comes first.
        j.writeBehindMs = this.memAcksOnly ? 2 * MEM_ACK_FLUSH_MS : 0;
        for (const r of f.records) {
          // appendReplicated throws if the position is not our end: a broken invariant ends the link loudly.
          j.appendReplicated(r.position, r.payload);
          this.records++;
          if (r.payload[0] === EntryType.Term) {
            const e = decodeEntry(r.payload);
            if (e.type === EntryType.Term) await this.o.terms.add({ id: e.termId, start: r.position });
          }
        }
        if (this.o.trace) {
          this.o.trace.count("frames received");
          this.o.trace.count("records received", f.records.length);
          this.arrived.push([j.endPosition, ReplicationTrace.now()]);
        }
        // The flush's ack carries the memory position too; an arrival ack is only for policies that count it.
        if (!this.diskAcksOnly) this.scheduleAck();
        if (this.memAcksOnly) this.scheduleFlush();
        else this.syncToDisk();
        return;
      }
      case ReplType.Error:
        throw new Error(`master refused: ${f.message}`);
      default:
        throw new Error(`unexpected frame ${f.type} from master`);
    }
  }

  private ack(): void {
    const j = this.o.journal();
    this.socket?.write(encodeAck(j.endPosition, j.durablePosition));
  }

  /**
   * Batched acknowledgement: every Records frame and every finished sync of one event-loop turn
   * is covered by a single Ack sent at the end of the turn, carrying the positions as they are
   * then (both only move forward, so a later ack says at least as much as the ones it replaces).
   * The master reads one ack per turn instead of one per frame and one per fsync.
   */
  private scheduleAck(): void {
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => {
      this.ackScheduled = false;
      if (!this.stopped) this.ack();
    });
  }

  /**
   * Asks the journal to make what arrived durable, then tells the master how far the disk has it
   * (the *_disk policies). Every frame asks, and the journal does the group commit: a frame that
   * arrives while a durable write is in flight is queued and goes out, with everything else that
   * arrived meanwhile, as the next O_DSYNC write — one device flush, one ack — instead of waiting
   * for the flush in flight and then taking a plain write plus a separate fdatasync.
   */
  private syncToDisk(): void {
    this.o
      .journal()
      .sync()
      .then(
        () => {
          if (this.o.trace) this.traceDurable();
          this.scheduleAck();
        },
        (err: Error) => this.abort(`journal sync failed: ${err.message}`),
      );
  }

  /** Memory acks: one flush for everything that arrives within MEM_ACK_FLUSH_MS; its ack reports the disk position. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (!this.stopped && this.socket) this.syncToDisk();
    }, MEM_ACK_FLUSH_MS);
  }

  private traceDurable(): void {
    const trace = this.o.trace!;
    const durable = this.o.journal().durablePosition;
    trace.count("syncs resolved");
    while (this.arrived.length > 0 && this.arrived[0]![0] <= durable) trace.since("receive to durable", this.arrived.shift()![1]);
  }

  /**
   * The link is over: the journal may serve clients next (a promotion), so its flushes go back to
   * the thread pool and its writes to the end of each turn; no background flush is left to run.
   */
  private endFollowerMode(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const j = this.o.journal();
    j.blockingDurableWrites = false;
    // What waits behind goes out at the latest when its timer fires; a promotion syncs the log anyway.
    j.writeBehindMs = 0;
  }

  private async closeFiles(): Promise<void> {
    const hs = [...this.fileHandles.values()];
    this.fileHandles.clear();
    await Promise.all(hs.map((h) => h.close().catch(() => {})));
  }
}
