/** Minimal growable writer for the store's record encoding (little-endian, length-prefixed strings). */
export interface BinaryWriterOptions {
  /** Bytes reserved, unwritten, before the content (a journal record header filled in later). */
  headroom?: number;
  /**
   * Give the buffer its own memory instead of a slice of Node's shared pool: for output that lives
   * on (a journal record that also holds a queued message's body), so it pins no pool block.
   */
  ownAllocation?: boolean;
}

export class BinaryWriter {
  private buf: Buffer;
  private off: number;
  private readonly headroom: number;
  private readonly alloc: (size: number) => Buffer;

  constructor(initial = 256, o: BinaryWriterOptions = {}) {
    this.headroom = o.headroom ?? 0;
    this.alloc = o.ownAllocation ? Buffer.allocUnsafeSlow : Buffer.allocUnsafe;
    this.buf = this.alloc(this.headroom + initial);
    this.off = this.headroom;
  }

  /** Bytes written so far, headroom excluded. */
  get length(): number {
    return this.off - this.headroom;
  }

  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.off + n) size *= 2;
    const next = this.alloc(size);
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.off++] = v;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.off);
    this.off += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.off);
    this.off += 8;
    return this;
  }

  str(s: string): this {
    const len = Buffer.byteLength(s);
    this.ensure(4 + len);
    this.buf.writeUInt32LE(len, this.off);
    this.buf.write(s, this.off + 4, len, "utf8");
    this.off += 4 + len;
    return this;
  }

  bytes(b: Buffer): this {
    this.ensure(4 + b.length);
    this.buf.writeUInt32LE(b.length, this.off);
    b.copy(this.buf, this.off + 4);
    this.off += 4 + b.length;
    return this;
  }

  /** The content, without the headroom. */
  finish(): Buffer {
    return this.buf.subarray(this.headroom, this.off);
  }

  /** Headroom and content: the whole buffer the caller fills the reserved bytes of. */
  finishWithHeadroom(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

/** Reader for BinaryWriter's output; throws RangeError on truncated input. */
export class BinaryReader {
  private off = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new RangeError(`record truncated at byte ${this.off}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.off++];
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.off);
    this.off += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.off);
    this.off += 8;
    return v;
  }

  str(): string {
    const len = this.u32();
    this.need(len);
    const s = this.buf.toString("utf8", this.off, this.off + len);
    this.off += len;
    return s;
  }

  bytes(): Buffer {
    const len = this.u32();
    this.need(len);
    const b = this.buf.subarray(this.off, this.off + len);
    this.off += len;
    return b;
  }
}
