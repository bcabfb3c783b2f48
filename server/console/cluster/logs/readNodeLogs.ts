import { AppError } from "../../AppError";
import type { ClusterRuntime } from "../ClusterRuntime";
import { levelName, type LogLevelName } from "./nodeLogLine";
import { queryNodeLog, type NodeLogQuery } from "./queryNodeLog";

export interface NodeLogsAnswer {
  node: string;
  /** Where the full (rotated) log is on the console's host. */
  file: string;
  /** Lines kept in memory for this node, and how many of them match the filter. */
  kept: number;
  matched: number;
  lines: Array<{ seq: number; time: number; level: LogLevelName; stream: "stdout" | "stderr"; msg: string; text: string }>;
}

/**
 * The tail of one node's output, filtered. Only the embedded cluster's nodes are the console's
 * processes; an attached cluster's nodes log on their own hosts.
 */
export function readNodeLogs(cluster: ClusterRuntime, name: string, q: NodeLogQuery): NodeLogsAnswer {
  if (!cluster.nodes.some((n) => n.name === name)) throw new AppError("NOT_FOUND", `no node named ${name} in this cluster`, "NO_NODE");
  const sup = cluster.supervisor;
  if (!sup || !sup.has(name)) {
    throw new AppError("PRECONDITION_FAILED", `${name} is not run by this console (attached cluster): read its log on its own host`, "NOT_EMBEDDED");
  }
  const all = sup.logLines(name);
  const { lines, matched } = queryNodeLog(all, q);
  const proc = sup.list().find((p) => p.name === name)!;
  return {
    node: name,
    file: proc.logFile,
    kept: all.length,
    matched,
    lines: lines.map((l) => ({ seq: l.seq, time: l.time, level: levelName(l.level), stream: l.stream, msg: l.msg, text: l.text })),
  };
}
