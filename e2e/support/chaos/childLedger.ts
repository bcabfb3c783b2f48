// Every process the chaos run spawned, and how each one ended. The driver says which exits it
// causes (kill -9 faults, the final stop); any other exit is a finding: a node must survive
// demotion, lost sessions and closed sockets.
import type { ChildProcess } from "node:child_process";
import type { ClusterProcess, LogLine, NodeHandle } from "../clusterProcess";
import type { ExitRecord } from "./chaosRecords";

type Proc = NonNullable<NodeHandle["proc"]>;

const TAIL = 15;

function lastLines(proc: Proc): string[] {
  const fmt = (l: LogLine): string => {
    const { msg, time, level, pid: _pid, hostname: _h, ...rest } = l;
    return `${time ? new Date(time).toISOString().slice(11, 23) : ""} ${String(level ?? "")} ${String(msg ?? "")} ${JSON.stringify(rest)}`;
  };
  const stderr = proc.stderr.trim().split("\n").filter(Boolean).slice(-TAIL).map((l) => `stderr: ${l}`);
  // The fatal line is usually the last one; stderr carries what a crash printed outside the logger.
  return [...proc.logs.slice(-TAIL).map(fmt), ...stderr];
}

export class ChildLedger {
  private readonly records: Array<{ rec: ExitRecord; proc: Proc }> = [];
  private readonly watched = new Map<ChildProcess, { name: string; proc: Proc }>();
  private readonly expected = new Set<number>();

  /** Starts watching every node and the coordinator process the cluster has now (idempotent). */
  scan(cluster: ClusterProcess): void {
    for (const n of cluster.nodes) this.watch(n.name, n.proc);
    this.watch("coordinator", cluster.coordinator);
  }

  watch(name: string, proc: Proc | undefined): void {
    if (!proc || this.watched.has(proc.child)) return;
    this.watched.set(proc.child, { name, proc });
    const pid = proc.child.pid ?? -1;
    const record = (code: number | null, signal: string | null): void => {
      this.records.push({ rec: { name, pid, code, signal, at: Date.now(), expected: this.expected.has(pid), lastLines: [] }, proc });
    };
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) record(proc.child.exitCode, proc.child.signalCode);
    else proc.child.once("exit", (code, signal) => record(code, signal));
  }

  /** Every watched process's log lines (JSON lines) and stderr, by "<name>-<pid>", for a failed run's evidence. */
  outputs(): Array<{ file: string; text: string }> {
    return [...this.watched.values()].map(({ name, proc }) => ({
      file: `${name}-${proc.child.pid ?? "x"}`,
      text: proc.logs.map((l) => JSON.stringify(l)).join("\n") + (proc.stderr ? `\n--- stderr ---\n${proc.stderr}` : ""),
    }));
  }

  /** The driver is about to end this process. */
  expect(pid: number | undefined): void {
    if (pid !== undefined) this.expected.add(pid);
  }

  /** Before the final stop: every process still running is ended by the driver. */
  expectAll(cluster: ClusterProcess): void {
    this.scan(cluster);
    for (const n of cluster.nodes) this.expect(n.proc?.child.pid);
    this.expect(cluster.coordinator?.child.pid);
  }

  /**
   * Every exit so far, with the process's last output lines (read now: a process's last stdout lines
   * can arrive after its exit event).
   */
  exits(): ExitRecord[] {
    return this.records.map(({ rec, proc }) => ({ ...rec, lastLines: lastLines(proc) }));
  }

  unexpected(): ExitRecord[] {
    return this.exits().filter((e) => !e.expected);
  }
}
