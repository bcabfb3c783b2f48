import { closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface RotatingLogFileOptions {
  /** The live file, e.g. <node data dir>/logs/node.log; rotations are node.log.1 … node.log.N. */
  path: string;
  /** Rotate before the live file would grow past this many bytes. */
  maxBytes: number;
  /** Rotated files kept (node.log.1 is the newest). */
  keep: number;
}

/**
 * An append-only text file that rotates by size, like logrotate's `size` + `rotate N`: the live
 * file becomes .1, .1 becomes .2 …, the oldest beyond `keep` is deleted. Files are created 0600 in
 * a 0700 directory (node logs carry client addresses and user names) and an existing live file is
 * brought back to 0600. Writes are synchronous appends of whole lines: a node's log is a few lines
 * a second, and a synchronous write cannot interleave two batches or be lost by a console that is
 * exiting.
 */
export class RotatingLogFile {
  private fd: number | null = null;
  private size = 0;

  constructor(private readonly o: RotatingLogFileOptions) {
    if (o.maxBytes < 1 || o.keep < 0) throw new Error("RotatingLogFile: maxBytes ≥ 1 and keep ≥ 0");
  }

  get path(): string {
    return this.o.path;
  }

  /** Appends lines (each gets a trailing newline). */
  append(lines: string[]): void {
    if (lines.length === 0) return;
    const buf = Buffer.from(`${lines.join("\n")}\n`);
    const fd = this.open();
    if (this.size > 0 && this.size + buf.length > this.o.maxBytes) {
      this.rotate();
      this.writeAll(this.open(), buf);
    } else {
      this.writeAll(fd, buf);
    }
  }

  /** The last `maxBytes` of the live file, whole lines only ("" when there is none). */
  static readTail(path: string, maxBytes: number): string {
    if (!existsSync(path)) return "";
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - maxBytes);
      const buf = Buffer.alloc(size - start);
      let off = 0;
      while (off < buf.length) {
        const n = readSync(fd, buf, off, buf.length - off, start + off);
        if (n === 0) break;
        off += n;
      }
      let text = buf.subarray(0, off).toString("utf8");
      if (start > 0) text = text.slice(text.indexOf("\n") + 1); // drop the partial first line
      return text;
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    mkdirSync(dirname(this.o.path), { recursive: true, mode: 0o700 });
    const fd = openSync(this.o.path, "a", 0o600);
    fchmodSync(fd, 0o600); // an existing file keeps its old mode otherwise
    this.size = fstatSync(fd).size;
    this.fd = fd;
    return fd;
  }

  private writeAll(fd: number, buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    this.size += buf.length;
  }

  private rotate(): void {
    this.close();
    const dir = dirname(this.o.path);
    const name = basename(this.o.path);
    const rotated = (i: number): string => join(dir, `${name}.${i}`);
    if (this.o.keep === 0) {
      rmSync(this.o.path, { force: true });
      return;
    }
    rmSync(rotated(this.o.keep), { force: true });
    for (let i = this.o.keep - 1; i >= 1; i--) {
      if (existsSync(rotated(i))) renameSync(rotated(i), rotated(i + 1));
    }
    renameSync(this.o.path, rotated(1));
  }
}
