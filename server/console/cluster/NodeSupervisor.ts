import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { brokerNodeArgs } from "../../runtime/brokerNodeArgs";
import { NodeLog } from "./logs/NodeLog";
import { LOG_LEVELS, type NodeLogLine } from "./logs/nodeLogLine";
import { DEFAULT_RESTART_POLICY, isFailure, nextRestart, type RestartPolicy } from "./RestartPolicy";

export type SupervisedState = "starting" | "running" | "stopping" | "stopped" | "crashed";

/** How a node's last process ended. */
export interface ProcessExit {
  at: number;
  code: number | null;
  signal: string | null;
  /** Stopped or killed from the console (not restarted). */
  byOperator: boolean;
  /** The line that says why (its last fatal, else error, line), when there is one. */
  fatal: string | null;
  /** The process's last lines, oldest first (the fatal one is also `fatal`). */
  lines: string[];
}

export interface SupervisedNode {
  name: string;
  group: string;
  state: SupervisedState;
  pid: number | null;
  startedAt: number | null;
  exitedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Automatic restarts after a failure since the console started (systemd's NRestarts). */
  restarts: number;
  /** Failures in a row (reset by a stable run or an operator's start): drives the back-off. */
  failures: number;
  /** When the supervisor will start the node again; null when no restart is planned. */
  nextRestartAt: number | null;
  lastExit: ProcessExit | null;
  /** The node's stdout/stderr log file (rotated). */
  logFile: string;
}

/** A node process that ended without an operator asking (what the event log records). */
export interface UnexpectedExit {
  node: SupervisedNode;
  exit: ProcessExit;
  /** Milliseconds until the restart; null when it is not restarted (a clean exit). */
  restartInMs: number | null;
}

export interface NodeSupervisorEvents {
  node: [SupervisedNode];
  exit: [UnexpectedExit];
  /** A restart after a failure has just spawned the node again. */
  restarted: [SupervisedNode];
  /** New output lines of a node. */
  lines: [string, NodeLogLine[]];
}

export interface NodeSupervisorOptions {
  restart?: RestartPolicy;
  /** Per node: rotate its log file at this size, keep this many rotations. */
  logMaxBytes?: number;
  logKeep?: number;
  /** Per node ring buffer: lines and characters kept in memory. */
  ringLines?: number;
  ringChars?: number;
}

interface Entry {
  info: SupervisedNode;
  child: ChildProcess | null;
  exited: Promise<void>;
  log: NodeLog;
  /** Sequence number of the log's newest line when the current process started. */
  startSeq: number;
  /** Set by stop/kill: the coming exit is the operator's doing, not a failure. */
  operatorStop: boolean;
  restartTimer: NodeJS.Timeout | null;
}

const ROOT = resolve(import.meta.dirname, "../../..");
/** Lines of a dead process attached to its exit (event log, node page). */
const EXIT_LINES = 20;
/** Characters of each such line (the event log row stays small). */
const EXIT_LINE_CHARS = 1000;

/**
 * Runs the embedded cluster's broker nodes as child processes of the console — one OS process
 * each, so a crash (or a kill from the UI) is a real crash. Stop is SIGTERM (clean), kill is
 * SIGKILL (chaos); neither is undone behind the operator's back. A node that exits on its own is
 * restarted the way systemd's Restart=on-failure would (RestartPolicy), and says why: its output
 * goes to <node data dir>/logs/node.log (rotated, 0600) and a ring buffer, and its last lines —
 * the fatal one first — go with the exit.
 */
export class NodeSupervisor extends EventEmitter<NodeSupervisorEvents> {
  private readonly nodes = new Map<string, Entry>();
  private readonly policy: RestartPolicy;
  private closing = false;

  constructor(
    private readonly clusterFile: string,
    nodes: Array<{ name: string; group: string; dataDir: string }>,
    private readonly logger: Logger,
    options: NodeSupervisorOptions = {},
  ) {
    super();
    this.policy = options.restart ?? DEFAULT_RESTART_POLICY;
    for (const n of nodes) {
      const logFile = join(n.dataDir, "logs", "node.log");
      const log = new NodeLog({
        file: logFile,
        maxFileBytes: options.logMaxBytes ?? 10 * 1024 * 1024,
        keepFiles: options.logKeep ?? 3,
        ringLines: options.ringLines ?? 2000,
        ringChars: options.ringChars ?? 1024 * 1024,
        onFileError: (err) => this.logger.error({ err, node: n.name, file: logFile }, "cannot write the node's log file; keeping its lines in memory only"),
      });
      const entry: Entry = {
        info: {
          name: n.name, group: n.group, state: "stopped", pid: null, startedAt: null, exitedAt: null, exitCode: null, signal: null,
          restarts: 0, failures: 0, nextRestartAt: null, lastExit: null, logFile,
        },
        child: null,
        exited: Promise.resolve(),
        log,
        startSeq: log.lastSeq,
        operatorStop: false,
        restartTimer: null,
      };
      log.onLines = (lines) => this.onLines(entry, lines);
      this.nodes.set(n.name, entry);
    }
  }

  list(): SupervisedNode[] {
    return [...this.nodes.values()].map((e) => snapshot(e.info));
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  /** The kept output of a node (ring buffer), oldest first. */
  logLines(name: string): NodeLogLine[] {
    return this.entry(name).log.lines();
  }

  private entry(name: string): Entry {
    const e = this.nodes.get(name);
    if (!e) throw new Error(`node ${name} is not managed by this console`);
    return e;
  }

  private changed(e: Entry): void {
    this.emit("node", snapshot(e.info));
  }

  /** Starts the node now (an operator's start also cancels a pending restart and its back-off). */
  start(name: string): void {
    const e = this.entry(name);
    this.cancelRestart(e);
    e.info.failures = 0;
    this.spawn(e);
  }

  private spawn(e: Entry): void {
    if (e.child || this.closing) return;
    const name = e.info.name;
    e.operatorStop = false;
    const child = spawn(process.execPath, brokerNodeArgs(this.clusterFile, name), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TANDEM_LOG_LEVEL: process.env.TANDEM_NODE_LOG_LEVEL ?? "info" },
    });
    e.child = child;
    e.startSeq = e.log.lastSeq;
    e.info = { ...e.info, state: "starting", pid: child.pid ?? null, startedAt: Date.now(), exitedAt: null, exitCode: null, signal: null, nextRestartAt: null };
    e.log.note(`supervisor: started ${name} (pid ${child.pid ?? "?"})`);
    this.changed(e);
    e.log.attach(child.stdout!, "stdout");
    e.log.attach(child.stderr!, "stderr");
    e.exited = new Promise((resolveExit) => {
      child.once("error", (err) => {
        // spawn itself failed (no pid): 'close' still follows with an exit code.
        this.logger.error({ err, node: name }, "cannot start broker node process");
        e.log.note(`supervisor: cannot start ${name}: ${err.message}`, LOG_LEVELS.error);
      });
      // 'close', not 'exit': by then both pipes are drained, so the last lines are in the log. A
      // grandchild that inherited a pipe could hold 'close' back, so 'exit' bounds the wait.
      let done = false;
      let grace: NodeJS.Timeout | undefined;
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        clearTimeout(grace);
        this.onExit(e, code, signal);
        resolveExit();
      };
      child.once("exit", (code, signal) => {
        grace = setTimeout(() => finish(code, signal), 2_000);
      });
      child.once("close", finish);
    });
  }

  private onLines(e: Entry, lines: NodeLogLine[]): void {
    if (e.info.state === "starting" && lines.some((l) => l.msg === "joined HA group" || l.msg === "listening")) {
      e.info.state = "running";
      this.changed(e);
    }
    this.emit("lines", e.info.name, lines);
  }

  private onExit(e: Entry, code: number | null, signal: NodeJS.Signals | null): void {
    const name = e.info.name;
    const now = Date.now();
    const ranMs = now - (e.info.startedAt ?? now);
    e.child = null;
    const byOperator = e.operatorStop || this.closing;
    const failed = !byOperator && isFailure(code, signal);
    const { fatal, lines } = e.log.exitLines(e.startSeq, EXIT_LINES);
    const exit: ProcessExit = {
      at: now,
      code,
      signal,
      byOperator,
      fatal: fatal ? cut(fatal.msg || fatal.text) : null,
      lines: byOperator ? [] : lines.map((l) => cut(l.text)),
    };
    // An operator's kill is a drill of a crash: it shows as crashed, but is not restarted.
    const state: SupervisedState = isFailure(code, signal) ? "crashed" : "stopped";
    e.info = { ...e.info, state, pid: null, exitedAt: now, exitCode: code, signal, lastExit: exit };
    const how = signal ?? `code ${code}`;
    if (byOperator) {
      e.log.note(`supervisor: ${name} stopped (${how})`);
      this.changed(e);
      return;
    }
    let restartInMs: number | null = null;
    if (failed) {
      const next = nextRestart(this.policy, e.info.failures, ranMs);
      restartInMs = next.delayMs;
      e.info.failures = next.failures;
      e.info.nextRestartAt = now + next.delayMs;
      e.restartTimer = setTimeout(() => {
        e.restartTimer = null;
        if (e.child || this.closing || e.info.nextRestartAt === null) return;
        e.info.restarts++;
        e.log.note(`supervisor: restarting ${name} (restart #${e.info.restarts}, failure ${e.info.failures} in a row)`, LOG_LEVELS.warn);
        this.spawn(e);
        this.emit("restarted", snapshot(e.info));
      }, next.delayMs);
    }
    const plan = restartInMs === null ? "not restarted (a clean exit)" : `restart #${e.info.restarts + 1} in ${formatDelay(restartInMs)} (failure ${e.info.failures} in a row)`;
    e.log.note(`supervisor: ${name} exited on its own (${how}) after ${formatDelay(ranMs)}; ${plan}`, failed ? LOG_LEVELS.error : LOG_LEVELS.warn);
    this.logger.warn({ node: name, code, signal, ranMs, fatal: exit.fatal, restarts: e.info.restarts, failures: e.info.failures, restartInMs }, `broker node exited on its own; ${plan}`);
    this.changed(e);
    this.emit("exit", { node: snapshot(e.info), exit, restartInMs });
  }

  private cancelRestart(e: Entry): void {
    if (e.restartTimer) clearTimeout(e.restartTimer);
    e.restartTimer = null;
    e.info.nextRestartAt = null;
  }

  /** Clean stop (SIGTERM), escalating to SIGKILL after 10 s. Cancels a pending restart. */
  async stop(name: string): Promise<void> {
    const e = this.entry(name);
    if (!e.child) {
      if (e.info.nextRestartAt !== null) {
        this.cancelRestart(e);
        e.info.state = "stopped";
        e.log.note(`supervisor: pending restart of ${name} cancelled by an operator`);
        this.changed(e);
      }
      return;
    }
    e.operatorStop = true;
    e.info.state = "stopping";
    this.changed(e);
    e.child.kill("SIGTERM");
    const t = setTimeout(() => e.child?.kill("SIGKILL"), 10_000);
    await e.exited;
    clearTimeout(t);
  }

  /** A real crash (SIGKILL, no chance to clean up), asked for by an operator: not restarted. */
  async kill(name: string): Promise<void> {
    const e = this.entry(name);
    if (!e.child) {
      await this.stop(name); // cancels a pending restart
      return;
    }
    e.operatorStop = true;
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
    this.closing = true;
    for (const e of this.nodes.values()) this.cancelRestart(e);
    await Promise.all([...this.nodes.keys()].map((n) => this.stop(n)));
    for (const e of this.nodes.values()) e.log.close();
  }
}

function snapshot(info: SupervisedNode): SupervisedNode {
  return { ...info, lastExit: info.lastExit ? { ...info.lastExit, lines: [...info.lastExit.lines] } : null };
}

function cut(s: string): string {
  return s.length > EXIT_LINE_CHARS ? `${s.slice(0, EXIT_LINE_CHARS)}…` : s;
}

function formatDelay(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
