// Wire format of the replication link between a group's master and its slaves (the role of
// ActiveMQ's replicated-LevelDB protocol: Login, SyncResponse, Transfer, LogWrite, WalAck).
// Frame: u32 length (of type + body) | u8 type | body. Pure: no sockets, timers or logging.

export const enum ReplType {
  /** slave → master, JSON LoginRequest */
  Login = 1,
  /** master → slave, JSON LoginResponse */
  LoginOk = 2,
  /** master → slave: binary batch of journal records */
  Records = 3,
  /** slave → master: binary (mem position, disk position) */
  Ack = 4,
  /** master → slave: binary chunk of a segment file during full resync */
  FileChunk = 5,
  /** master → slave, JSON { endPosition }: all files sent */
  FilesDone = 6,
  /** either way, JSON { message }: fatal, then close */
  Error = 7,
}

export interface Term {
  id: string;
  start: number;
}

export interface LoginRequest {
  token: string;
  node: string;
  endPosition: number;
  startPosition: number;
  terms: Term[];
  /**
   * The term of the address record the slave followed (null: a legacy record). A master serving
   * another term refuses the login: the record was stale, its listener belongs to a new tenure.
   */
  term?: number | null;
}

export interface LoginResponse {
  /** "stream": truncate to `truncateTo`, then records follow; "full": discard the journal, files follow. */
  mode: "stream" | "full";
  truncateTo: number;
  master: string;
  terms: Term[];
  /**
   * "disk": the master's sync policy counts only durable positions (remote_disk, quorum_disk), so
   * the slave acknowledges once per flush and not also on arrival. "mem": it counts only memory
   * positions (remote_mem, quorum_mem, SYNC_MASTER), so the slave acknowledges on arrival and
   * flushes in the background (every MEM_ACK_FLUSH_MS) instead of per frame. Absent: both, a
   * flush per frame (a master from before this field, or one that waits for no slave).
   */
  acks?: "disk" | "mem";
}

/**
 * A slave of a memory-counting policy (LoginOk `acks: "mem"`) flushes what arrived at most this
 * long after it arrived, one flush for all of it, instead of once per Records frame: the master
 * waits for no flush of the slave's, and on a busy group the per-frame flushes (a thread-pool
 * write and a device flush each) were most of a slave's CPU.
 */
export const MEM_ACK_FLUSH_MS = 10;

export interface ShippedRecord {
  position: number;
  payload: Buffer;
}

export type ReplFrame =
  | { type: ReplType.Login; body: LoginRequest }
  | { type: ReplType.LoginOk; body: LoginResponse }
  | { type: ReplType.Records; records: ShippedRecord[] }
  | { type: ReplType.Ack; memPosition: number; diskPosition: number }
  | { type: ReplType.FileChunk; base: number; offset: number; data: Buffer }
  | { type: ReplType.FilesDone; endPosition: number }
  | { type: ReplType.Error; message: string };

export const MAX_REPL_FRAME = 64 * 1024 * 1024;

function frame(type: ReplType, body: Buffer): Buffer {
  const head = Buffer.allocUnsafe(5);
  head.writeUInt32BE(body.length + 1, 0);
  head[4] = type;
  return Buffer.concat([head, body]);
}

export function encodeJson(type: ReplType.Login | ReplType.LoginOk | ReplType.FilesDone | ReplType.Error, body: unknown): Buffer {
  return frame(type, Buffer.from(JSON.stringify(body)));
}

export function encodeRecords(records: ShippedRecord[]): Buffer {
  let size = 4;
  for (const r of records) size += 12 + r.payload.length;
  const out = Buffer.allocUnsafe(5 + size);
  out.writeUInt32BE(size + 1, 0);
  out[4] = ReplType.Records;
  let off = 5;
  out.writeUInt32BE(records.length, off);
  off += 4;
  for (const r of records) {
    out.writeDoubleBE(r.position, off);
    out.writeUInt32BE(r.payload.length, off + 8);
    r.payload.copy(out, off + 12);
    off += 12 + r.payload.length;
  }
  return out;
}

export function encodeAck(memPosition: number, diskPosition: number): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeDoubleBE(memPosition, 0);
  b.writeDoubleBE(diskPosition, 8);
  return frame(ReplType.Ack, b);
}

export function encodeFileChunk(base: number, offset: number, data: Buffer): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeDoubleBE(base, 0);
  h.writeDoubleBE(offset, 8);
  return frame(ReplType.FileChunk, Buffer.concat([h, data]));
}

export type ReplParseResult = { frames: ReplFrame[]; error?: string };

/** Incremental decoder; after an error it returns the error forever. */
export class ReplDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private dead: string | null = null;

  push(chunk: Buffer): ReplParseResult {
    if (this.dead) return { frames: [], error: this.dead };
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: ReplFrame[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const len = head.readUInt32BE(0);
      if (len < 1 || len > MAX_REPL_FRAME) return this.fail(frames, `replication frame length ${len} out of range`);
      if (this.buffered < 4 + len) break;
      const whole = this.take(4 + len);
      try {
        frames.push(decodeBody(whole[4] as ReplType, whole.subarray(5)));
      } catch (err) {
        return this.fail(frames, (err as Error).message);
      }
    }
    return { frames };
  }

  private fail(frames: ReplFrame[], message: string): ReplParseResult {
    this.dead = message;
    this.chunks = [];
    return { frames, error: message };
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    let first = this.chunks[0];
    if (first.length < n) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}

function decodeBody(type: ReplType, body: Buffer): ReplFrame {
  switch (type) {
    case ReplType.Login:
    case ReplType.LoginOk: {
      const parsed = JSON.parse(body.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null) throw new Error("replication login body is not an object");
      return { type, body: parsed } as ReplFrame;
    }
    case ReplType.FilesDone: {
      const parsed = JSON.parse(body.toString("utf8")) as { endPosition: number };
      return { type, endPosition: Number(parsed.endPosition) };
    }
    case ReplType.Error: {
      const parsed = JSON.parse(body.toString("utf8")) as { message: string };
      return { type, message: String(parsed.message) };
    }
    case ReplType.Records: {
      if (body.length < 4) throw new Error("truncated records frame");
      const n = body.readUInt32BE(0);
      const records: ShippedRecord[] = [];
      let off = 4;
      for (let i = 0; i < n; i++) {
        if (off + 12 > body.length) throw new Error("truncated record header");
        const position = body.readDoubleBE(off);
        const len = body.readUInt32BE(off + 8);
        if (off + 12 + len > body.length) throw new Error("truncated record payload");
        // Copy: the journal keeps the payload until it is written, the frame buffer may be reused.
        records.push({ position, payload: Buffer.from(body.subarray(off + 12, off + 12 + len)) });
        off += 12 + len;
      }
      return { type, records };
    }
    case ReplType.Ack:
      if (body.length !== 16) throw new Error("bad ack frame");
      return { type, memPosition: body.readDoubleBE(0), diskPosition: body.readDoubleBE(8) };
    case ReplType.FileChunk:
      if (body.length < 16) throw new Error("truncated file chunk");
      return { type, base: body.readDoubleBE(0), offset: body.readDoubleBE(8), data: Buffer.from(body.subarray(16)) };
    default:
      throw new Error(`unknown replication frame type ${type}`);
  }
}
