// What the chaos driver records about the faults it injected and the processes it watched: the
// checker's input besides the clients' own records. Times are epoch milliseconds.

export type FaultKind = "kill-master" | "pause-master" | "coordinator-restart" | "stale-tail";
export const FAULT_KINDS: readonly FaultKind[] = ["kill-master", "pause-master", "coordinator-restart", "stale-tail"];

export interface FaultRecord {
  index: number;
  kind: FaultKind;
  /** The node the fault was aimed at ("coordinator" for coordinator restarts). */
  victim: string;
  startedAt: number;
  /**
   * The moment the serving master stopped serving because of the fault (its kill -9 or SIGSTOP; for
   * the stale-tail schedule, the kill of the master that had receipted; the coordinator's kill).
   * Failover is measured from here.
   */
  disruptedAt: number;
  /** STOMP port of the master taken down at `disruptedAt` (absent for coordinator restarts). */
  downPort?: number;
  /** Coordinator restarts: when the coordinator listened again. */
  backAt?: number;
  /** When the group had settled again (or the driver gave up: see `error`). */
  endedAt: number;
  /** What the driver did, in order, for the failure message. */
  steps: string[];
  /** Set when the group did not settle within the driver's bounds. */
  error?: string;
}

export interface ExitRecord {
  /** Node name or "coordinator". */
  name: string;
  pid: number;
  code: number | null;
  signal: string | null;
  at: number;
  /** The driver killed this process on purpose (kill -9 fault, or the final stop). */
  expected: boolean;
  /** The process's last output lines, for the failure message. */
  lastLines: string[];
}

/** A node's own log line saying it started or stopped serving as master. */
export interface RoleChange {
  t: number;
  node: string;
  change: "promoted" | "stopped";
  reason?: string;
}
