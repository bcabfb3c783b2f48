// RocketMQ 4.x remoting framing (RemotingCommand.encode/decode, NettyDecoder):
//
//   int32 total length (everything after this field)
//   int32 header length; its high byte is the serialization type (0 = JSON, 1 = ROCKETMQ binary)
//   header bytes (JSON: {code, language, version, opaque, flag, remark, extFields})
//   body (total - 4 - header length bytes)
//
// flag bit 0 marks a response, bit 1 a oneway request. Pure and incremental: no sockets, timers
// or logging; the frame limit is checked on the length prefix before any body is buffered, and
// errors come back as values (the connection decides how to answer them).

export const RPC_RESPONSE = 1;
export const RPC_ONEWAY = 2;

export interface RemotingCommand {
  code: number;
  opaque: number;
  flag: number;
  language?: string;
  version?: number;
  remark?: string | null;
  /** RocketMQ sends every custom header field as a string (extFields is a HashMap<String,String>). */
  extFields: Record<string, string>;
  body: Buffer | null;
}

export type RemotingItem =
  | { kind: "command"; command: RemotingCommand }
  /** A frame with a bad header: the frame was consumed, the stream is still in sync. */
  | { kind: "badHeader"; opaque: number | null; detail: string }
  /** The stream cannot be followed any further (bad length): the connection must close. */
  | { kind: "fatal"; reason: "frameTooLarge" | "badLength"; detail: string };

const MAX_HEADER = 64 * 1024;

export class RemotingDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(private readonly maxFrame: number) {}

  /** Bytes held for an incomplete frame (bounded by maxFrame + 4). */
  pending(): number {
    return this.buffered;
  }

  push(chunk: Buffer): RemotingItem[] {
    const out: RemotingItem[] = [];
    if (this.failed) return out;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.buffered < 4) return out;
      const total = this.peekInt();
      if (total < 4) {
        this.fail(out, "badLength", `frame length ${total} is shorter than its header-length field`);
        return out;
      }
      if (total > this.maxFrame) {
        this.fail(out, "frameTooLarge", `frame of ${total} bytes exceeds the limit of ${this.maxFrame}`);
        return out;
      }
      if (this.buffered < 4 + total) return out;
      const frame = this.take(4 + total).subarray(4);
      out.push(decodeFrame(frame));
    }
  }

  private fail(out: RemotingItem[], reason: "frameTooLarge" | "badLength", detail: string): void {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    out.push({ kind: "fatal", reason, detail });
  }

  private peekInt(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 8)).subarray(0, 4);
    return head.readInt32BE(0);
  }

  /** Removes n bytes: a view when they lie in the first chunk, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = this.chunks[0];
        const need = n - off;
        if (c.length <= need) {
          c.copy(out, off);
          off += c.length;
          this.chunks.shift();
        } else {
          c.copy(out, off, 0, need);
          this.chunks[0] = c.subarray(need);
          off += need;
        }
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** Decodes one frame (after the total-length field). */
export function decodeFrame(frame: Buffer): RemotingItem {
  const mark = frame.readInt32BE(0);
  const serialization = (mark >>> 24) & 0xff;
  const headerLength = mark & 0xffffff;
  if (headerLength > frame.length - 4) {
    return { kind: "badHeader", opaque: null, detail: `header length ${headerLength} exceeds the frame (${frame.length - 4} bytes)` };
  }
  if (headerLength > MAX_HEADER) return { kind: "badHeader", opaque: null, detail: `header of ${headerLength} bytes exceeds ${MAX_HEADER}` };
  if (serialization !== 0) {
    // The ROCKETMQ binary header (serializeTypeCurrentRPC=ROCKETMQ) is opt-in on clients; JSON is the default.
    return { kind: "badHeader", opaque: null, detail: `serialization type ${serialization} is not supported (only JSON, 0)` };
  }
  const headerBytes = frame.subarray(4, 4 + headerLength);
  let parsed: unknown;
  try {
    parsed = JSON.parse(headerBytes.toString("utf8"));
  } catch (err) {
    return { kind: "badHeader", opaque: null, detail: `header is not JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "badHeader", opaque: null, detail: "header is not a JSON object" };
  const h = parsed as Record<string, unknown>;
  const opaque = typeof h.opaque === "number" && Number.isInteger(h.opaque) ? h.opaque : null;
  if (typeof h.code !== "number" || !Number.isInteger(h.code)) return { kind: "badHeader", opaque, detail: "header has no integer code" };
  if (opaque === null) return { kind: "badHeader", opaque, detail: "header has no integer opaque" };
  let extFields: Record<string, string> = {};
  if (h.extFields !== undefined && h.extFields !== null) {
    if (typeof h.extFields !== "object" || Array.isArray(h.extFields)) return { kind: "badHeader", opaque, detail: "extFields is not an object" };
    const raw = h.extFields as Record<string, unknown>;
    // Java clients send every field as a string: then the parsed object is used as it is (no copy
    // per request); anything else is normalised to strings.
    let allStrings = true;
    for (const k in raw) {
      if (typeof raw[k] !== "string") {
        allStrings = false;
        break;
      }
    }
    if (allStrings) extFields = raw as Record<string, string>;
    else {
      for (const [k, v] of Object.entries(raw)) {
        if (v === null || v === undefined) continue;
        extFields[k] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
      }
    }
  }
  const bodyStart = 4 + headerLength;
  return {
    kind: "command",
    command: {
      code: h.code,
      opaque,
      flag: typeof h.flag === "number" ? h.flag : 0,
      language: typeof h.language === "string" ? h.language : undefined,
      version: typeof h.version === "number" ? h.version : undefined,
      remark: typeof h.remark === "string" ? h.remark : null,
      extFields,
      body: frame.length > bodyStart ? frame.subarray(bodyStart) : null,
    },
  };
}

/** Encodes a command; header fields are sent as strings, as RocketMQ's extFields are. */
export function encodeCommand(c: RemotingCommand): Buffer {
  const ext: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.extFields)) if (v !== undefined && v !== null) ext[k] = String(v);
  const header = JSON.stringify({ code: c.code, language: c.language ?? "JAVA", version: c.version ?? 373, opaque: c.opaque, flag: c.flag, remark: c.remark ?? null, extFields: ext, serializeTypeCurrentRPC: "JSON" });
  // Written straight into the frame (no intermediate Buffer of the header: one per answer).
  const headerLength = Buffer.byteLength(header, "utf8");
  const bodyLength = c.body?.length ?? 0;
  const out = Buffer.allocUnsafe(8 + headerLength + bodyLength);
  out.writeInt32BE(4 + headerLength + bodyLength, 0);
  out.writeInt32BE(headerLength & 0xffffff, 4); // serialization type 0 (JSON) in the high byte
  out.write(header, 8, headerLength, "utf8");
  if (c.body) c.body.copy(out, 8 + headerLength);
  return out;
}

export function isOneway(c: RemotingCommand): boolean {
  return (c.flag & RPC_ONEWAY) !== 0;
}

export function isResponse(c: RemotingCommand): boolean {
  return (c.flag & RPC_RESPONSE) !== 0;
}

/** A response to `request` (same opaque, response bit set). */
export function response(request: { opaque: number }, code: number, extFields: Record<string, string | number | boolean | undefined> = {}, body: Buffer | null = null, remark: string | null = null): RemotingCommand {
  const ext: Record<string, string> = {};
  for (const [k, v] of Object.entries(extFields)) if (v !== undefined) ext[k] = String(v);
  return { code, opaque: request.opaque, flag: RPC_RESPONSE, remark, extFields: ext, body };
}
