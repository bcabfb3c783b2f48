"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "../trpc";
import { ClusterGate } from "./ClusterGate";
import { formatBytes, formatSeconds } from "./format";
import { lagChartData } from "./lagChartData";
import { Time } from "../Time";

/** One group: master, election timeline, slave lag (table + chart), sync policy, member znodes. */
export function GroupView({ name }: { name: string }): ReactNode {
  const trpc = useTRPC();
  const q = useQuery(trpc.cluster.group.queryOptions({ name }));
  return (
    <section>
      <p><Link href="/groups">← Groups</Link></p>
      <h1>Group {name}</h1>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => {
          const g = q.data!;
          return (
            <>
              <table className="stat" data-testid="group-summary">
                <tbody>
                  <tr><th>Master</th><td data-testid="group-master">{g.master ? <Link href={`/nodes/${encodeURIComponent(g.master)}`}>{g.master}</Link> : <span className="error">none (election in progress or no quorum)</span>}</td></tr>
                  <tr><th>Sync policy</th><td data-testid="group-sync">{g.sync}</td></tr>
                  <tr><th>Quorum</th><td>{g.quorum} of {g.replicas} ({g.members.length} members now)</td></tr>
                  <tr><th>Master journal end</th><td>{g.masterPosition ?? "—"} · writing {formatBytes(g.writeBytesPerSec)}/s</td></tr>
                  <tr><th>ZooKeeper path</th><td><code>{g.zkPath}</code></td></tr>
                </tbody>
              </table>

              <h2>Slaves</h2>
              {g.slaves.length === 0 ? (
                <p className="muted">No slave is replicating from a master right now.</p>
              ) : (
                <div style={{ display: "grid", gridTemplateColumns: "minmax(420px, 1fr) 320px", gap: 16, alignItems: "start" }}>
                  <table data-testid="group-slaves">
                    <thead>
                      <tr><th>Slave</th><th>State</th><th>Acked (mem)</th><th>Acked (disk)</th><th>Lag</th><th>Lag (time)</th></tr>
                    </thead>
                    <tbody>
                      {g.slaves.map((s) => (
                        <tr key={s.to} data-testid={`group-slave-${s.to}`}>
                          <td><Link href={`/nodes/${encodeURIComponent(s.to)}`}>{s.to}</Link></td>
                          <td>{s.state}</td>
                          <td>{s.ackedMem}</td>
                          <td>{s.ackedDisk}</td>
                          <td>{formatBytes(s.lagBytes)}</td>
                          <td>{formatSeconds(s.lagSeconds, "— (master idle)")}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <div style={{ height: 160, background: "#fff", border: "1px solid var(--line)" }} data-testid="group-lag-chart">
                    <ResponsiveContainer width="100%" height="100%">
                      <BarChart data={lagChartData(g.slaves)} margin={{ top: 10, right: 10, bottom: 0, left: 10 }}>
                        <CartesianGrid strokeDasharray="3 3" />
                        <XAxis dataKey="node" />
                        <YAxis tickFormatter={(v: number) => formatBytes(v)} width={70} />
                        <Tooltip formatter={(v) => formatBytes(Number(v))} />
                        <Bar dataKey="lagBytes" name="lag" fill="#2b6cb0" isAnimationActive={false} />
                      </BarChart>
                    </ResponsiveContainer>
                  </div>
                </div>
              )}

              <h2>Election timeline</h2>
              {g.timeline.length === 0 ? (
                <p className="muted">No election recorded.</p>
              ) : (
                <ol data-testid="group-timeline" style={{ listStyle: "none", paddingLeft: 0, borderLeft: "3px solid var(--line)" }}>
                  {g.timeline.map((e, i) => (
                    <li key={`${e.at}-${i}`} style={{ padding: "4px 10px" }} data-testid={`timeline-${e.kind}`}>
                      <span className="muted"><Time at={e.at} ms /></span>{" "}
                      <span className={`badge${e.kind === "election" ? "" : " warn"}`}>{e.kind}</span> {e.message}
                      {e.source === "monitor" ? <span className="muted"> (this console run)</span> : null}
                    </li>
                  ))}
                </ol>
              )}

              <h2>Member znodes</h2>
              <table data-testid="group-members">
                <thead>
                  <tr><th>znode</th><th>Node</th><th>Session</th><th>Position</th><th>Weight</th><th>Replication address</th><th>Elected</th></tr>
                </thead>
                <tbody>
                  {g.members.map((m) => (
                    <tr key={m.znode} data-testid={`group-member-${m.container ?? m.eid}`}>
                      <td><code>{m.znode}</code>{m.eid === g.electorEid ? <span className="badge">elector</span> : null}</td>
                      <td>{m.container ?? "?"}</td>
                      <td><code>{m.session}</code></td>
                      <td>{m.position}</td>
                      <td>{m.weight}</td>
                      <td>{m.address ?? "—"}</td>
                      <td>{m.eid === g.electedEid ? "✓" : ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </ClusterGate>
    </section>
  );
}
