import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Logger } from "pino";
import { brokerNodeArgs } from "../../runtime/brokerNodeArgs";

export type SupervisedState = "starting" | "running" | "stopping" | "stopped" | "crashed";

export interface SupervisedNode {
  name: string;
  group: string;
  state: SupervisedState;
  pid: number | null;
  startedAt: number | null;
  exitedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  restarts: number;
  /** Last lines the node wrote to stderr (shown when it crashes). */
  stderrTail: string[];
}

export interface NodeSupervisorEvents {
  node: [SupervisedNode];
  /** A JSON log line of a node (role changes, listening, errors …). */
  log: [string, Record<string, unknown>];
}

interface Entry {
  info: SupervisedNode;
  child: ChildProcess | null;
  exited: Promise<void>;
}

const ROOT = resolve(import.meta.dirname, "../../..");

/**
 * Runs the embedded cluster's broker nodes as child processes of the console — one OS process
 * each, so a crash (or a kill from the UI) is a real crash. Stop is SIGTERM (clean), kill is
 * SIGKILL (chaos); nodes are not restarted behind the operator's back.
 */
export class NodeSupervisor extends EventEmitter<NodeSupervisorEvents> {
  private readonly nodes = new Map<string, Entry>();

  constructor(
    private readonly clusterFile: string,
    nodes: Array<{ name: string; group: string }>,
    private readonly logger: Logger,
  ) {
    super();
    for (const n of nodes) {
      this.nodes.set(n.name, {
        info: {
          name: n.name, group: n.group, state: "stopped", pid: null, startedAt: null, exitedAt: null,
          exitCode: null, signal: null, restarts: 0, stderrTail: [],
        },
        child: null,
        exited: Promise.resolve(),
      });
    }
  }

  list(): SupervisedNode[] {
    return [...this.nodes.values()].map((e) => ({ ...e.info, stderrTail: [...e.info.stderrTail] }));
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  private entry(name: string): Entry {
    const e = this.nodes.get(name);
    if (!e) throw new Error(`node ${name} is not managed by this console`);
    return e;
  }

  private changed(e: Entry): void {
    this.emit("node", { ...e.info, stderrTail: [...e.info.stderrTail] });
  }

  start(name: string): void {
    const e = this.entry(name);
    if (e.child && e.info.state !== "stopped" && e.info.state !== "crashed") return;
    const child = spawn(process.execPath, brokerNodeArgs(this.clusterFile, name), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TANDEM_LOG_LEVEL: process.env.TANDEM_NODE_LOG_LEVEL ?? "info" },
    });
    if (e.info.startedAt !== null) e.info.restarts++;
    e.child = child;
    e.info = { ...e.info, state: "starting", pid: child.pid ?? null, startedAt: Date.now(), exitedAt: null, exitCode: null, signal: null, stderrTail: [] };
    this.changed(e);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line);
      } catch {
        return;
      }
      if (e.info.state === "starting" && (rec.msg === "joined HA group" || rec.msg === "listening")) {
        e.info.state = "running";
        this.changed(e);
      }
      this.emit("log", name, rec);
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      e.info.stderrTail.push(line);
      if (e.info.stderrTail.length > 20) e.info.stderrTail.shift();
    });
    e.exited = new Promise((resolveExit) => {
      child.once("exit", (code, signal) => {
        const expected = e.info.state === "stopping";
        e.child = null;
        e.info = { ...e.info, state: expected || code === 0 ? "stopped" : "crashed", pid: null, exitedAt: Date.now(), exitCode: code, signal };
        if (!expected) this.logger.warn({ node: name, code, signal }, "broker node exited");
        this.changed(e);
        resolveExit();
      });
    });
  }

  /** Clean stop (SIGTERM), escalating to SIGKILL after 10 s. */
  async stop(name: string): Promise<void> {
    const e = this.entry(name);
    if (!e.child) return;
    e.info.state = "stopping";
    this.changed(e);
    e.child.kill("SIGTERM");
    const t = setTimeout(() => e.child?.kill("SIGKILL"), 10_000);
    await e.exited;
    clearTimeout(t);
  }

  /** A real crash: SIGKILL, no chance to clean up. */
  async kill(name: string): Promise<void> {
    const e = this.entry(name);
    if (!e.child) return;
    e.child.kill("SIGKILL");
    await e.exited;
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    this.start(name);
  }

  startAll(): void {
    for (const name of this.nodes.keys()) this.start(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.nodes.keys()].map((n) => this.stop(n)));
  }
}
