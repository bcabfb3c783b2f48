// Jute (ZooKeeper's record serialization) primitives: big-endian ints and longs,
// length-prefixed buffers/strings where length -1 means null, count-prefixed vectors.
// Pure: no I/O. Readers slice the input instead of copying.
// Src: apache/zookeeper zookeeper-jute BinaryInputArchive / BinaryOutputArchive.

const TWO_32 = 4294967296;

/** Raised when a record does not fit the bytes it was read from. */
export class JuteError extends Error {
  override name = "JuteError";
}

export class JuteReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    offset = 0,
  ) {
    this.pos = offset;
  }

  remaining(): number {
    return this.buf.length - this.pos;
  }

  offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new JuteError(`truncated record: need ${n} bytes for ${what} at offset ${this.pos}, have ${this.remaining()}`);
    }
  }

  int(): number {
    this.need(4, "int");
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A 64-bit value that is known to fit in 2^53 (zxids, times). */
  longNumber(): number {
    this.need(8, "long");
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** A full 64-bit value (session ids use the top byte). */
  long(): bigint {
    this.need(8, "long");
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  bool(): boolean {
    this.need(1, "boolean");
    return this.buf[this.pos++] !== 0;
  }

  buffer(): Buffer | null {
    const len = this.int();
    if (len === -1) return null;
    if (len < -1) throw new JuteError(`negative buffer length ${len}`);
    this.need(len, "buffer body");
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  ustring(): string | null {
    const b = this.buffer();
    return b === null ? null : b.toString("utf8");
  }

  /** A non-null string; null is a protocol error where ZooKeeper would NPE. */
  string(): string {
    const s = this.ustring();
    if (s === null) throw new JuteError("unexpected null string");
    return s;
  }

  vector<T>(item: (r: JuteReader) => T): T[] | null {
    const n = this.int();
    if (n === -1) return null;
    if (n < -1) throw new JuteError(`negative vector length ${n}`);
    // Each element takes at least one byte, so a count larger than what is left is a lie.
    if (n > this.remaining()) throw new JuteError(`vector length ${n} exceeds remaining ${this.remaining()} bytes`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

export class JuteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
    return this;
  }

  longNumber(v: number): this {
    this.ensure(8);
    this.buf.writeInt32BE(Math.floor(v / TWO_32) | 0, this.pos);
    this.buf.writeUInt32BE(v >>> 0, this.pos + 4);
    this.pos += 8;
    return this;
  }

  long(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  buffer(v: Buffer | null): this {
    if (v === null) return this.int(-1);
    this.int(v.length);
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
    return this;
  }

  ustring(v: string | null): this {
    if (v === null) return this.int(-1);
    const len = Buffer.byteLength(v, "utf8");
    this.int(len);
    this.ensure(len);
    this.buf.write(v, this.pos, "utf8");
    this.pos += len;
    return this;
  }

  vector<T>(items: readonly T[] | null, item: (w: JuteWriter, v: T) => void): this {
    if (items === null) return this.int(-1);
    this.int(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, valid until the next write). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far prefixed with their int32 length: one wire frame. */
  toFrame(): Buffer {
    const out = Buffer.allocUnsafe(this.pos + 4);
    out.writeInt32BE(this.pos, 0);
    this.buf.copy(out, 4, 0, this.pos);
    return out;
  }
}
