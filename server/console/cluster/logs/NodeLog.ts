import type { Readable } from "node:stream";
import { LogRing } from "./LogRing";
import { LOG_LEVELS, MAX_LINE_CHARS, parseNodeLogLine, type NodeLogLine } from "./nodeLogLine";
import { RotatingLogFile } from "./RotatingLogFile";

export interface NodeLogOptions {
  /** The node's log file (rotated by size). */
  file: string;
  maxFileBytes: number;
  keepFiles: number;
  /** Ring buffer bounds (lines and characters). */
  ringLines: number;
  ringChars: number;
  /** Told once when the file cannot be written (disk full, permissions); the ring keeps working. */
  onFileError?: (err: Error) => void;
  now?: () => number;
}

/** How much of an existing log file is read back into the ring when the console starts. */
const TAIL_ON_OPEN_BYTES = 256 * 1024;

/**
 * Everything one node process writes to stdout and stderr: appended to its rotating log file and
 * kept in a ring buffer for the node page and for the exit event. Survives the node's restarts
 * (one NodeLog per node, not per process); on console start it reads back the file's tail, so the
 * lines before a console restart are still shown.
 */
export class NodeLog {
  private readonly ring: LogRing<NodeLogLine>;
  private readonly file: RotatingLogFile;
  private seq = 0;
  private fileFailed = false;
  private readonly now: () => number;
  /** Called after every batch of lines (the console throttles its pushes to browsers). */
  onLines: ((lines: NodeLogLine[]) => void) | null = null;

  constructor(private readonly o: NodeLogOptions) {
    this.now = o.now ?? Date.now;
    this.ring = new LogRing(o.ringLines, o.ringChars);
    this.file = new RotatingLogFile({ path: o.file, maxBytes: o.maxFileBytes, keep: o.keepFiles });
    try {
      const tail = RotatingLogFile.readTail(o.file, TAIL_ON_OPEN_BYTES);
      for (const raw of tail.split("\n")) {
        // A stderr line in the file is not marked as such; parse reads non-JSON as text anyway.
        if (raw) this.ring.push(parseNodeLogLine(raw, raw.startsWith("{") ? "stdout" : "stderr", ++this.seq, this.now()));
      }
    } catch (err) {
      this.fileError(err as Error);
    }
  }

  get path(): string {
    return this.file.path;
  }

  /** Reads one stream of a child process, line by line (a line split across chunks is joined). */
  attach(input: Readable, stream: NodeLogLine["stream"]): void {
    let partial = "";
    input.setEncoding("utf8");
    input.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      // A line that never ends must not grow without bound: cut it where the parser would.
      if (partial.length > MAX_LINE_CHARS * 2) {
        parts.push(partial);
        partial = "";
      }
      this.write(parts, stream);
    });
    input.on("end", () => {
      if (partial) this.write([partial], stream);
      partial = "";
    });
  }

  /** Lines from the console itself about this node (start, exit, restart), in the same file. */
  note(message: string, level: number = LOG_LEVELS.info): void {
    this.write([JSON.stringify({ level, time: this.now(), service: "supervisor", msg: message })], "stdout");
  }

  write(rawLines: string[], stream: NodeLogLine["stream"]): void {
    const lines = rawLines.filter((l) => l.length > 0).map((l) => l.replace(/\r$/, ""));
    if (lines.length === 0) return;
    if (!this.fileFailed) {
      try {
        this.file.append(lines);
      } catch (err) {
        this.fileError(err as Error);
      }
    }
    const now = this.now();
    const parsed = lines.map((raw) => parseNodeLogLine(raw, stream, ++this.seq, now));
    for (const p of parsed) this.ring.push(p);
    this.onLines?.(parsed);
  }

  /** Oldest first. */
  lines(): NodeLogLine[] {
    return this.ring.toArray();
  }

  /**
   * The last lines of a process that has just exited, the one that says why first: its last
   * fatal line, else its last error line (written since `since`, the process's start), then the
   * last `n` lines in order.
   */
  exitLines(since: number, n = 20): { fatal: NodeLogLine | null; lines: NodeLogLine[] } {
    const own = this.ring.toArray().filter((l) => l.seq > since);
    const pick = (min: number): NodeLogLine | undefined => own.findLast((l) => l.level >= min && !isSupervisorNote(l));
    const fatal = pick(LOG_LEVELS.fatal) ?? pick(LOG_LEVELS.error) ?? null;
    return { fatal, lines: own.filter((l) => !isSupervisorNote(l)).slice(-n) };
  }

  /** Sequence number of the newest line (0 when none). */
  get lastSeq(): number {
    return this.seq;
  }

  close(): void {
    this.file.close();
  }

  private fileError(err: Error): void {
    if (this.fileFailed) return;
    this.fileFailed = true;
    this.o.onFileError?.(err);
  }
}

function isSupervisorNote(l: NodeLogLine): boolean {
  return l.text.includes('"service":"supervisor"');
}
