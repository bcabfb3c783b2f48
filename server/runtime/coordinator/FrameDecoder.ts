// Incremental splitter of the ZooKeeper client stream into frames (int32 length + body).
// Pure: feed it chunks, get frames back. The maxBuffer limit (jute.maxbuffer) is checked on
// the length prefix, before any body is buffered, so a hostile length cannot make us allocate.
// A frame inside one chunk is returned as a slice (no copy); only frames spanning chunks are
// copied, once.
//
// The first 4 bytes of a connection may instead be a four-letter word (ruok, srvr, ...): ZK
// recognises these because, read as an int, they equal a known command code (section 2.10).

export type DecodedItem =
  | { kind: "frame"; body: Buffer }
  | { kind: "fourLetterWord"; word: string }
  | { kind: "error"; reason: "frameTooLarge" | "negativeLength"; detail: string };

export const FOUR_LETTER_WORDS: readonly string[] = [
  "ruok", "srvr", "stat", "mntr", "cons", "envi", "isro", "wchs", "wchc", "wchp",
  "conf", "dump", "dirs", "crst", "srst", "gtmk", "stmk",
];

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private first = true;
  private failed = false;

  constructor(
    private readonly maxBuffer: number,
    private readonly allowFourLetterWords = true,
  ) {}

  /** Feed bytes; returns every complete item. After an error item nothing more is returned. */
  push(chunk: Buffer): DecodedItem[] {
    const out: DecodedItem[] = [];
    if (this.failed) return out;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.buffered < 4) return out;
      const head = this.peek(4);
      if (this.first && this.allowFourLetterWords) {
        this.first = false;
        const word = head.toString("latin1");
        if (FOUR_LETTER_WORDS.includes(word)) {
          this.consume(4);
          this.failed = true; // a 4lw connection carries nothing else
          out.push({ kind: "fourLetterWord", word });
          return out;
        }
      }
      this.first = false;
      const len = head.readInt32BE(0);
      if (len < 0) {
        this.failed = true;
        out.push({ kind: "error", reason: "negativeLength", detail: `frame length ${len}` });
        return out;
      }
      if (len > this.maxBuffer) {
        this.failed = true;
        out.push({ kind: "error", reason: "frameTooLarge", detail: `frame length ${len} exceeds maxBuffer ${this.maxBuffer}` });
        return out;
      }
      if (this.buffered < 4 + len) return out;
      this.consume(4);
      out.push({ kind: "frame", body: this.take(len) });
    }
  }

  /** Bytes held waiting for the rest of a frame. */
  pending(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    const c0 = this.chunks[0];
    if (c0.length >= n) return c0.subarray(0, n);
    return Buffer.concat(this.chunks, this.buffered).subarray(0, n);
  }

  private consume(n: number): void {
    this.take(n);
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0); // an empty frame may arrive when nothing is buffered
    const c0 = this.chunks[0];
    this.buffered -= n;
    if (c0.length >= n) {
      // Fast path: the whole item is in the first chunk, hand out a slice.
      if (c0.length === n) this.chunks.shift();
      else this.chunks[0] = c0.subarray(n);
      return c0.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0];
      const want = n - off;
      if (c.length <= want) {
        c.copy(out, off);
        off += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, off, 0, want);
        this.chunks[0] = c.subarray(want);
        off += want;
      }
    }
    return out;
  }
}
