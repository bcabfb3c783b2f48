"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { ClusterGate } from "./ClusterGate";
import { DrainPanel } from "./DrainPanel";
import { GuardedActionButton } from "./GuardedActionButton";
import { formatBytes, formatDuration, formatRate, formatTime } from "./format";
import { NodeConnectionsTab } from "../connections/NodeConnectionsTab";
import { NodeLogsTab } from "./NodeLogsTab";
import { MetricsCharts } from "./MetricsCharts";
import { Time } from "../Time";

/** One node's health, its destinations, and the operator's actions (greyed out per role and mode). */
export function NodeView({ name }: { name: string }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const q = useQuery(trpc.cluster.node.queryOptions({ name }));
  const queryClient = useQueryClient();
  // An action's own result shows without waiting for the next push or poll.
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.cluster.pathKey() }) };
  const stop = useMutation(trpc.cluster.nodeStop.mutationOptions(refresh));
  const kill = useMutation(trpc.cluster.nodeKill.mutationOptions(refresh));
  const start = useMutation(trpc.cluster.nodeStart.mutationOptions(refresh));
  const restart = useMutation(trpc.cluster.nodeRestart.mutationOptions(refresh));
  const handover = useMutation(trpc.cluster.handover.mutationOptions(refresh));
  const actionError = [stop, kill, start, restart, handover].find((m) => m.error)?.error;
  // The tab lives in the URL (?tab=logs) so a link can point at a node's log.
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const tab = params.get("tab") === "logs" ? "logs" : params.get("tab") === "connections" ? "connections" : "overview";
  const showTab = (t: "overview" | "logs" | "connections"): void => router.replace(t === "overview" ? pathname : `${pathname}?tab=${t}`);

  return (
    <section>
      <p><Link href="/nodes">← Nodes</Link></p>
      <h1>Node {name}</h1>
      <nav className="tabs" style={{ display: "flex", gap: 8, marginBottom: 12 }}>
        <button type="button" data-testid="node-tab-overview" aria-pressed={tab === "overview"} onClick={() => showTab("overview")}>Overview</button>
        <button type="button" data-testid="node-tab-logs" aria-pressed={tab === "logs"} onClick={() => showTab("logs")}>Logs</button>
        <button type="button" data-testid="node-tab-connections" aria-pressed={tab === "connections"} onClick={() => showTab("connections")}>Connections</button>
      </nav>
      {tab === "connections" ? <NodeConnectionsTab name={name} /> : tab === "logs" ? <NodeLogsTab name={name} /> : <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => {
          const d = q.data!;
          const n = d.node;
          const proc = n.process;
          const running = proc !== null && (proc.state === "running" || proc.state === "starting");
          const embeddedWhy = d.embedded ? undefined : "only the embedded cluster's nodes are run by this console";
          const why = (path: string, ok: boolean, reason: string): string | undefined => (!can(path) ? "needs the operator role" : (embeddedWhy ?? (ok ? undefined : reason)));
          return (
            <>
              <fieldset data-testid="node-actions">
                <legend>Actions</legend>
                <GuardedActionButton name={name} action="stop" label="Stop" testid="node-stop" disabled={!!why("cluster.nodeStop", running, "not running")} title={why("cluster.nodeStop", running, "not running")} onConfirm={(confirm) => stop.mutate({ name, confirm })} />
                <GuardedActionButton name={name} action="kill" label="Kill (SIGKILL)" danger testid="node-kill" disabled={!!why("cluster.nodeKill", running, "not running")} title={why("cluster.nodeKill", running, "not running")} onConfirm={(confirm) => kill.mutate({ name, confirm })} />
                <GuardedActionButton name={name} action="restart" label="Restart" testid="node-restart" disabled={!!why("cluster.nodeRestart", running, "not running")} title={why("cluster.nodeRestart", running, "not running")} onConfirm={(confirm) => restart.mutate({ name, confirm })} />
                <button type="button" data-testid="node-start" disabled={!!why("cluster.nodeStart", !running, "already running")} title={why("cluster.nodeStart", !running, "already running")} onClick={() => start.mutate({ name })}>Start</button>
                <GuardedActionButton name={name} action="handover" label="Hand over" testid="node-handover"
                  disabled={!can("cluster.handover") || n.role !== "master"} title={!can("cluster.handover") ? "needs the operator role" : n.role !== "master" ? "only a master hands over" : undefined}
                  onConfirm={(confirm) => handover.mutate({ name, confirm })} />
              </fieldset>
              {actionError && <p className="error" data-testid="node-action-error">{actionError.message}</p>}
              {handover.data && <p className="notice" data-testid="node-handover-result">Handed over at position {handover.data.position}{handover.data.caughtUp ? " (a slave had everything)" : " (no slave confirmed in time)"}.</p>}

              <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(300px, 1fr))", gap: 16 }}>
                <table className="stat" data-testid="node-health">
                  <tbody>
                    <tr><th>Role</th><td data-testid="node-role">{n.role}{n.serving ? " (serving)" : ""}</td></tr>
                    <tr><th>Group</th><td><Link href={`/groups/${encodeURIComponent(n.group)}`}>{n.group}</Link></td></tr>
                    <tr><th>State</th><td data-testid="node-up">{n.up ? "up" : `down: ${n.error ?? ""}`}</td></tr>
                    <tr><th>Uptime</th><td>{formatDuration(n.uptimeMs)}</td></tr>
                    <tr><th>Connections</th><td data-testid="node-connections">{n.connections}</td></tr>
                    <tr><th>Memory</th><td>{d.memory ? `${formatBytes(d.memory.used)} of ${formatBytes(d.memory.limit)} (${d.memory.percent}%)${d.memory.blockedProducers ? `, ${d.memory.blockedProducers} producers blocked` : ""}` : "—"}</td></tr>
                    <tr><th>Store</th><td>{d.store ? `${formatBytes(d.store.used)} of ${formatBytes(d.store.limit)} (${d.store.percent}%)` : "—"}</td></tr>
                    <tr><th>Messages</th><td>{d.messages ? `depth ${d.messages.depth}, in flight ${d.messages.inflight}, in ${formatRate(n.inPerSec)}, out ${formatRate(n.outPerSec)}` : "—"}</td></tr>
                    <tr><th>Replication</th><td>{d.ha ? `position ${d.ha.position}${d.ha.following ? `, following ${d.ha.following.master ?? "?"}` : ""}${n.lagBytes !== null ? `, ${formatBytes(n.lagBytes)} behind` : ""}` : "—"}</td></tr>
                    <tr><th>ZK session</th><td><code>{d.ha?.zkSession ?? "—"}</code></td></tr>
                    <tr><th>Admin API</th><td><code>{n.adminUrl}</code></td></tr>
                    <tr><th>STOMP</th><td>{n.stomp.join(", ")}</td></tr>
                  </tbody>
                </table>
                <div>
                  <h2 style={{ marginTop: 0 }}>Process</h2>
                  {proc ? (
                    <table className="stat" data-testid="node-process">
                      <tbody>
                        <tr><th>State</th><td data-testid="node-process-state">{proc.state}</td></tr>
                        <tr><th>PID</th><td>{proc.pid ?? "—"}</td></tr>
                        <tr><th>Started</th><td>{proc.startedAt ? <Time at={proc.startedAt} /> : "—"}</td></tr>
                        <tr><th>Restarts</th><td data-testid="node-process-restarts">{proc.restarts}{proc.failures > 0 ? ` (${proc.failures} failure${proc.failures === 1 ? "" : "s"} in a row)` : ""}</td></tr>
                        {proc.nextRestartAt !== null && <tr><th>Next restart</th><td data-testid="node-process-next-restart"><RestartCountdown at={proc.nextRestartAt} /></td></tr>}
                        {proc.lastExit && (
                          <tr><th>Last exit</th><td data-testid="node-process-last-exit">
                            <Time at={proc.lastExit.at} ms /> ({proc.lastExit.signal ?? `code ${proc.lastExit.code}`}){proc.lastExit.byOperator ? ", by an operator" : ", on its own"}
                          </td></tr>
                        )}
                      </tbody>
                    </table>
                  ) : <p className="muted">Not run by this console.</p>}
                  {proc?.lastExit && !proc.lastExit.byOperator && (proc.lastExit.fatal !== null || proc.lastExit.lines.length > 0) && (
                    <div data-testid="node-process-exit-lines">
                      {proc.lastExit.fatal !== null && <p className="error" data-testid="node-process-fatal">{proc.lastExit.fatal}</p>}
                      {proc.lastExit.lines.length > 0 && <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: 240, overflow: "auto" }}>{proc.lastExit.lines.join("\n")}</pre>}
                    </div>
                  )}
                  <h2>Closed connections</h2>
                  {d.closedConnections.length === 0 ? <p className="muted">None since start.</p> : (
                    <table className="stat" data-testid="node-closed">
                      <tbody>{d.closedConnections.map((c) => <tr key={c.reason}><th>{c.reason}</th><td>{c.count}</td></tr>)}</tbody>
                    </table>
                  )}
                </div>
              </div>

              <h2>Over time</h2>
              <MetricsCharts node={name} />

              <DrainPanel name={name} allowed={can("drain.start")} up={n.up} />

              <h2>Destinations</h2>
              {!n.serving ? <p className="muted">A {n.role} node serves no destinations.</p> : (
                <>
                  <table data-testid="node-destinations">
                    <thead><tr><th>Destination</th><th>Kind</th><th>Depth</th><th>Consumers</th><th>Producers</th><th>Enqueued</th><th>Dequeued</th><th>In flight</th></tr></thead>
                    <tbody>
                      {d.destinations.items.map((x) => (
                        <tr key={x.name}><td>{x.name}</td><td>{x.kind}</td><td>{x.depth}</td><td>{x.consumers}</td><td>{x.producers}</td><td>{x.enqueued}</td><td>{x.dequeued}</td><td>{x.inflight}</td></tr>
                      ))}
                    </tbody>
                  </table>
                  <p className="muted">{d.destinations.items.length} deepest of {d.destinations.total}. <Link href="/destinations">All destinations</Link></p>
                </>
              )}
            </>
          );
        }}
      </ClusterGate>}
    </section>
  );
}

/** "in 4 s" until the supervisor's next start of the node, ticking once a second. */
function RestartCountdown({ at }: { at: number }): ReactNode {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const s = Math.max(0, Math.ceil((at - now) / 1000));
  return <span>{s > 0 ? `in ${s} s` : "now"} (<Time at={at} />)</span>;
}
