// One stomp.py client process of the chaos run (e2e/python/chaos_client.py): spawned with every
// node's port, it records its events to a JSON-lines file. The driver follows the producers'
// receipts through an incremental tail of that file (to wait for load to flow between faults);
// the checker reads the whole files at the end.
import { spawn, type ChildProcess } from "node:child_process";
import { open } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readClientEvents, type ClientEvent } from "./clientEvent";

const PYTHON = "/usr/bin/python3"; // the PATH python3 may lack Debian's python3-stomp
const SCRIPT = join(resolve(import.meta.dirname, "../../python"), "chaos_client.py");

export interface StompPyOptions {
  mode: "produce" | "consume";
  ports: number[];
  out: string;
  /** produce: the queue and the id prefix; consume: the queues. */
  queue?: string;
  prefix?: string;
  queues?: string[];
  pauseMs?: number;
  bodyBytes?: number;
  receiptTimeoutS?: number;
  window?: number;
}

export class StompPyClient {
  /** Receipts seen so far (time, node port), in file order. */
  readonly receipts: Array<{ t: number; port: number }> = [];
  /** Ids received so far (consumers). */
  readonly delivered = new Set<string>();
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private stopping = false;
  private stderr = "";
  private offset = 0;
  private partial = "";

  private constructor(
    readonly name: string,
    readonly out: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr!.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-8000);
    });
    this.exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  }

  static spawn(name: string, o: StompPyOptions): StompPyClient {
    const args = [SCRIPT, o.mode, "--ports", o.ports.join(","), "--out", o.out];
    if (o.queue) args.push("--queue", o.queue);
    if (o.queues) args.push("--queues", o.queues.join(","));
    if (o.prefix) args.push("--prefix", o.prefix);
    if (o.pauseMs !== undefined) args.push("--pause-ms", String(o.pauseMs));
    if (o.bodyBytes !== undefined) args.push("--body-bytes", String(o.bodyBytes));
    if (o.receiptTimeoutS !== undefined) args.push("--receipt-timeout", String(o.receiptTimeoutS));
    if (o.window !== undefined) args.push("--window", String(o.window));
    return new StompPyClient(name, o.out, spawn(PYTHON, args, { stdio: ["ignore", "ignore", "pipe"] }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Why this client ended, if it ended before the driver asked it to (a harness failure). */
  get unexpectedEnd(): string | null {
    if (this.running) return null;
    if (this.stopping && this.child.exitCode === 0) return null;
    return `stomp.py ${this.name} ended (code ${this.child.exitCode}, signal ${this.child.signalCode}): ${this.stderr.slice(-2000)}`;
  }

  /** Reads what the client appended since the last call. */
  async refresh(): Promise<void> {
    const fh = await open(this.out, "r").catch(() => null);
    if (!fh) return;
    try {
      const { size } = await fh.stat();
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buf.subarray(0, bytesRead).toString("utf8")).split("\n");
      this.partial = lines.pop()!;
      for (const line of lines) {
        if (line.includes('"ev": "receipt"')) {
          const e = JSON.parse(line) as { t: number; port: number };
          this.receipts.push({ t: e.t, port: e.port });
        } else if (line.includes('"ev": "msg"')) this.delivered.add((JSON.parse(line) as { id: string }).id);
      }
    } finally {
      await fh.close();
    }
  }

  /** SIGTERM: a producer finishes the send in progress (bounded by its receipt timeout). */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const t = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }

  kill(): void {
    this.stopping = true;
    if (this.running) this.child.kill("SIGKILL");
  }

  events(): Promise<ClientEvent[]> {
    return readClientEvents(this.out);
  }
}
