import type { StompFrame, StompHeaders, StompVersion } from "./StompFrame";
import { escapingApplies, unescapeHeader } from "./headerEscaping";

export interface StompParserLimits {
  /** Whole frame in octets: command line, header lines, blank line, body and the NUL. */
  maxFrameSize: number;
  maxHeaders: number;
  /** One command or header line in octets, without its EOL. */
  maxHeaderLineLength: number;
}

export type StompParseErrorCode =
  | "frame_too_large"
  | "too_many_headers"
  | "header_too_long"
  | "malformed_header"
  | "bad_escape"
  | "bad_content_length"
  | "bad_command"
  | "missing_null";

export type ParseEvent =
  /** `size`: octets of the frame on the wire, NUL included, inter-frame EOLs excluded. */
  | { kind: "frame"; frame: StompFrame; size: number }
  /**
   * At most one per push(): that push carried EOL octets between frames, which STOMP 1.1+ uses as
   * heart-beats. Any inbound octet proves the peer alive, so the protocol layer may also treat
   * frames (and partial frames) as beats; this event exists for pushes that carry nothing else.
   */
  | { kind: "heartbeat" }
  /** Fatal: the stream cannot be resynchronised. The parser is dead afterwards. */
  | { kind: "error"; code: StompParseErrorCode; message: string };

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;

const enum Phase {
  /** Between frames: EOLs are heart-beats, anything else starts a command line. */
  Idle,
  /** Inside the command line or the header lines. */
  Head,
  /** Reading a body whose length is given by content-length. */
  BodyCounted,
  /** content-length bytes read; the next octet must be NUL. */
  BodyNul,
  /** Reading a body up to the first NUL. */
  BodyUntilNul,
  Dead,
}

const EMPTY = Buffer.alloc(0);
const CONTENT_LENGTH_RE = /^[0-9]+$/;

/**
 * Incremental STOMP frame decoder (`COMMAND EOL *(header EOL) EOL body NUL *(EOL)`).
 *
 * Pure: no I/O, timers or logging. In the spirit of nats-server's parser, it never accumulates
 * per byte: complete lines and bodies inside one chunk are sliced out of it (zero copy), and only
 * a line or body that spans pushes is joined, once, when it completes. Every limit is checked
 * while the frame is still incomplete, so a peer streaming an endless line or body is cut off as
 * soon as it crosses the limit rather than after it has exhausted memory.
 *
 * The parser keeps references to pushed chunks until their frame completes; callers must not
 * reuse or mutate a chunk after pushing it (Node socket chunks are never reused).
 */
export class StompParser {
  /**
   * Version used for header un-escaping. Default 1.0 (nothing negotiated yet). The parser adopts
   * the version implied by a CONNECT/STOMP frame's accept-version itself (highest of 1.0-1.2),
   * because a client may pipeline frames behind CONNECT in the same chunk, before the protocol
   * layer has had a chance to set this. The protocol layer may still overwrite it afterwards.
   */
  version: StompVersion = "1.0";
  /**
   * When set, push() stops after the first complete frame and keeps the unread rest of the chunk
   * (takeRest): a server checks a CONNECT before it reads anything the client pipelined behind it.
   */
  haltAfterFrame = false;

  private readonly limits: StompParserLimits;
  private rest: Buffer | null = null;
  private phase: Phase = Phase.Idle;

  /** Pieces of the current, still unterminated line (slices of earlier chunks). */
  private lineParts: Buffer[] = [];
  private lineLen = 0;

  private command = "";
  private headers: StompHeaders = [];
  private unescape = false;
  /** Octets of the current frame consumed so far. */
  private frameSize = 0;

  private contentLength = 0;
  private bodyParts: Buffer[] = [];
  private bodyLen = 0;

  constructor(limits: StompParserLimits) {
    this.limits = { ...limits };
  }

  /** Changes the frame size limit (e.g. a small one until the peer has authenticated). */
  setMaxFrameSize(bytes: number, maxHeaderLineLength = this.limits.maxHeaderLineLength): void {
    this.limits.maxFrameSize = bytes;
    this.limits.maxHeaderLineLength = maxHeaderLineLength;
  }

  get maxFrameSize(): number {
    return this.limits.maxFrameSize;
  }

  /** Octets of the incomplete current frame this parser holds on to (its memory cost). */
  get bufferedBytes(): number {
    return this.lineLen + this.bodyLen;
  }

  /** True while a frame has started and not yet ended. */
  get inFrame(): boolean {
    return this.phase !== Phase.Idle && this.phase !== Phase.Dead;
  }

  /** Drops everything held (the connection is gone); the parser is dead afterwards. */
  discard(): void {
    this.fail([], "frame_too_large", "discarded");
    this.rest = null;
  }

  /** What push() left unread after stopping at a frame (haltAfterFrame), once. */
  takeRest(): Buffer | null {
    const r = this.rest;
    this.rest = null;
    return r;
  }

  push(chunk: Buffer): ParseEvent[] {
    const events: ParseEvent[] = [];
    if (this.phase === Phase.Dead) return events;
    const len = chunk.length;
    let pos = 0;
    let beatReported = false;

    while (pos < len) {
      switch (this.phase) {
        case Phase.Idle: {
          const b = chunk[pos]!;
          // CR is accepted on its own too: tolerant of CRLF from 1.0/1.1 peers (brokers.md e.1).
          if (b === LF || b === CR) {
            pos++;
            if (!beatReported) {
              beatReported = true;
              events.push({ kind: "heartbeat" });
            }
            continue;
          }
          this.startFrame();
          continue;
        }

        case Phase.Head: {
          const nl = chunk.indexOf(LF, pos);
          if (nl === -1) {
            const piece = chunk.subarray(pos);
            this.lineParts.push(piece);
            this.lineLen += piece.length;
            this.frameSize += piece.length;
            pos = len;
            // One octet of slack if it is a CR: the LF of a CRLF may still be in flight.
            const max = this.limits.maxHeaderLineLength;
            if (this.lineLen > max && !(this.lineLen === max + 1 && piece[piece.length - 1] === CR)) {
              return this.fail(events, "header_too_long", `header line longer than ${this.limits.maxHeaderLineLength} octets`);
            }
            if (this.frameSize > this.limits.maxFrameSize) {
              return this.fail(events, "frame_too_large", `frame larger than ${this.limits.maxFrameSize} octets`);
            }
            continue;
          }
          let err: [StompParseErrorCode, string] | undefined;
          this.frameSize += nl + 1 - pos;
          if (this.lineParts.length === 0) {
            err = this.headLine(chunk, pos, nl);
          } else {
            // A line spanning pushes: the one place a header line is copied; bounded by the limit.
            this.lineParts.push(chunk.subarray(pos, nl));
            const line = Buffer.concat(this.lineParts, this.lineLen + (nl - pos));
            this.lineParts = [];
            this.lineLen = 0;
            err = this.headLine(line, 0, line.length);
          }
          pos = nl + 1;
          if (err !== undefined) return this.fail(events, err[0], err[1]);
          // headLine may have switched to a body phase; the loop picks it up from `pos`.
          continue;
        }

        case Phase.BodyCounted: {
          const need = this.contentLength - this.bodyLen;
          const take = Math.min(need, len - pos);
          if (take > 0) {
            this.bodyParts.push(chunk.subarray(pos, pos + take));
            this.bodyLen += take;
            this.frameSize += take;
            pos += take;
          }
          if (this.bodyLen === this.contentLength) this.phase = Phase.BodyNul;
          continue;
        }

        case Phase.BodyNul: {
          if (chunk[pos] !== NUL) {
            return this.fail(events, "missing_null", `expected NUL after ${this.contentLength} octets of body (content-length)`);
          }
          pos++;
          this.frameSize++;
          events.push(this.finishFrame());
          if (this.haltAfterFrame) return this.halt(events, chunk, pos);
          continue;
        }

        case Phase.BodyUntilNul: {
          const z = chunk.indexOf(NUL, pos);
          const end = z === -1 ? len : z;
          const take = end - pos;
          // Check before retaining the piece: a body that can no longer fit (its NUL still to
          // come) is rejected now, not after buffering the whole stream.
          const pending = this.frameSize + take + 1; // + the NUL, present or still to come
          if (pending > this.limits.maxFrameSize) {
            return this.fail(events, "frame_too_large", `frame larger than ${this.limits.maxFrameSize} octets`);
          }
          if (take > 0) {
            this.bodyParts.push(chunk.subarray(pos, end));
            this.bodyLen += take;
            this.frameSize += take;
          }
          pos = end;
          if (z !== -1) {
            pos++;
            this.frameSize++;
            events.push(this.finishFrame());
            if (this.haltAfterFrame) return this.halt(events, chunk, pos);
          }
          continue;
        }

        default:
          return events;
      }
    }
    return events;
  }

  private startFrame(): void {
    this.phase = Phase.Head;
    this.command = "";
    this.headers = [];
    this.frameSize = 0;
    this.bodyParts = [];
    this.bodyLen = 0;
    this.contentLength = 0;
  }

  /**
   * Handles one complete command/header line, `buf[start, end)` without its LF (offsets rather
   * than a slice: this runs once per header on the hot path). Returns an error tuple, if any.
   */
  private headLine(buf: Buffer, start: number, rawEnd: number): [StompParseErrorCode, string] | undefined {
    // STOMP 1.2 allows CRLF; for 1.0/1.1 a tolerant server accepts it too (brokers.md e.1).
    const end = rawEnd > start && buf[rawEnd - 1] === CR ? rawEnd - 1 : rawEnd;
    if (end - start > this.limits.maxHeaderLineLength) {
      return ["header_too_long", `header line longer than ${this.limits.maxHeaderLineLength} octets`];
    }
    // Same order as the unterminated-line checks, so the verdict never depends on chunking.
    if (this.frameSize > this.limits.maxFrameSize) {
      return ["frame_too_large", `frame larger than ${this.limits.maxFrameSize} octets`];
    }

    if (this.command === "") {
      if (!isCommandToken(buf, start, end)) {
        return ["bad_command", `invalid command line ${preview(buf, start, end)}: expected letters A-Z`];
      }
      this.command = buf.toString("latin1", start, end);
      this.unescape = escapingApplies(this.command, this.version);
      return undefined;
    }

    if (end === start) return this.endOfHeaders();

    if (this.headers.length >= this.limits.maxHeaders) {
      return ["too_many_headers", `more than ${this.limits.maxHeaders} headers`];
    }
    let colon = -1;
    for (let i = start; i < end; i++) {
      if (buf[i] === COLON) {
        colon = i;
        break;
      }
    }
    if (colon <= start) {
      return ["malformed_header", `header line ${preview(buf, start, end)} has ${colon === start ? "an empty name" : "no ':'"}`];
    }
    // Split at the FIRST colon: values may contain colons (1.0 has no escaping for them).
    let name = buf.toString("utf8", start, colon);
    let value = buf.toString("utf8", colon + 1, end);
    if (this.unescape && (name.indexOf("\\") !== -1 || value.indexOf("\\") !== -1)) {
      const n = unescapeHeader(name, this.version);
      const v = unescapeHeader(value, this.version);
      if (n === null || v === null) {
        return ["bad_escape", `undefined escape sequence in header ${preview(buf, start, end)} (STOMP ${this.version})`];
      }
      name = n;
      value = v;
    }
    this.headers.push([name, value]);
    return undefined;
  }

  private endOfHeaders(): [StompParseErrorCode, string] | undefined {
    let cl: string | undefined;
    for (const [k, v] of this.headers) {
      if (k === "content-length") {
        cl = v; // first occurrence wins (spec 1.2)
        break;
      }
    }
    if (this.command === "CONNECT" || this.command === "STOMP") this.adoptVersion();
    if (cl === undefined) {
      this.phase = Phase.BodyUntilNul;
      return undefined;
    }
    const trimmed = cl.trim();
    if (!CONTENT_LENGTH_RE.test(trimmed)) {
      return ["bad_content_length", `content-length ${JSON.stringify(cl.slice(0, 40))} is not a non-negative integer`];
    }
    const n = Number(trimmed);
    // Reject before buffering anything: the declared size alone proves the frame too large.
    if (this.frameSize + n + 1 > this.limits.maxFrameSize) {
      return ["frame_too_large", `content-length ${trimmed} exceeds the frame size limit of ${this.limits.maxFrameSize} octets`];
    }
    this.contentLength = n;
    this.phase = n === 0 ? Phase.BodyNul : Phase.BodyCounted;
    return undefined;
  }

  /** Highest version in accept-version we can speak; no header means 1.0 (spec 1.1 CONNECT). */
  private adoptVersion(): void {
    let accept: string | undefined;
    for (const [k, v] of this.headers) {
      if (k === "accept-version") {
        accept = v;
        break;
      }
    }
    if (accept === undefined) {
      this.version = "1.0";
      return;
    }
    const offered = accept.split(",").map((s) => s.trim());
    if (offered.includes("1.2")) this.version = "1.2";
    else if (offered.includes("1.1")) this.version = "1.1";
    else if (offered.includes("1.0")) this.version = "1.0";
    // No common version: leave as is; the protocol layer answers with ERROR and closes.
  }

  private finishFrame(): ParseEvent {
    let body: Buffer;
    if (this.bodyParts.length === 0) body = EMPTY;
    else if (this.bodyParts.length === 1) body = this.bodyParts[0]!;
    // A body spanning pushes is joined exactly once, here.
    else body = Buffer.concat(this.bodyParts, this.bodyLen);
    const event: ParseEvent = {
      kind: "frame",
      frame: { command: this.command, headers: this.headers, body },
      size: this.frameSize,
    };
    this.phase = Phase.Idle;
    this.bodyParts = [];
    this.bodyLen = 0;
    this.headers = [];
    return event;
  }

  private halt(events: ParseEvent[], chunk: Buffer, pos: number): ParseEvent[] {
    this.rest = pos < chunk.length ? chunk.subarray(pos) : null;
    return events;
  }

  private fail(events: ParseEvent[], code: StompParseErrorCode, message: string): ParseEvent[] {
    this.phase = Phase.Dead;
    this.lineParts = [];
    this.lineLen = 0;
    this.bodyParts = [];
    this.bodyLen = 0;
    this.headers = [];
    events.push({ kind: "error", code, message });
    return events;
  }
}

function isCommandToken(buf: Buffer, start: number, end: number): boolean {
  if (end === start) return false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    // Letters only, case preserved: the protocol layer answers unknown commands itself.
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return false;
  }
  return true;
}

function preview(buf: Buffer, start: number, end: number): string {
  return JSON.stringify(buf.toString("latin1", start, Math.min(end, start + 60)));
}
