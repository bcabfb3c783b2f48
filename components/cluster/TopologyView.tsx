"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc";
import { ClusterGate } from "./ClusterGate";
import { formatBytes, formatSeconds } from "./format";
import { layoutTopology, NODE_H, NODE_W } from "./topologyLayout";

const BRIDGE_STROKE: Record<string, string> = { running: "#2f855a", connecting: "#b7791f", error: "#c53030", stopped: "#718096" };

const FILL: Record<string, string> = { master: "#2f855a", slave: "#2b6cb0", joining: "#b7791f", standalone: "#4a5568", stopped: "#718096", down: "#c53030" };

/** Groups → nodes as an SVG: masters green above, slaves blue below, replication links with lag. */
export function TopologyView(): ReactNode {
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery(trpc.cluster.topology.queryOptions());
  // Bridges come from the masters' admin APIs (another source than the topology); the picture
  // draws without them if they cannot be read.
  const bridges = useQuery(trpc.bridges.list.queryOptions(undefined, { refetchInterval: 5000 }));
  return (
    <section>
      <h1>Topology</h1>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => {
          const l = layoutTopology(q.data!);
          return (
            <>
              <svg width={l.width} height={l.height} role="img" aria-label="cluster topology" data-testid="topology-svg" style={{ background: "#fff", border: "1px solid var(--line)" }}>
                {l.groups.map((g) => (
                  <g key={g.name} data-testid={`topology-group-${g.name}`}>
                    <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={8} fill="#f7fafc" stroke="#cbd5e0" />
                    <text x={g.x + 10} y={g.y + 20} fontWeight={600} style={{ cursor: "pointer" }} onClick={() => router.push(`/groups/${encodeURIComponent(g.name)}`)}>
                      {g.name} {g.master ? "" : "(no master)"}
                    </text>
                  </g>
                ))}
                {(bridges.data?.bridges ?? []).map((b, i) => {
                  const from = l.groups.find((g) => g.name === b.localGroup);
                  const to = l.groups.find((g) => g.name === b.remoteGroup);
                  if (!from || !to) return null;
                  // One line per direction, offset so a duplex pair shows as two arrows.
                  const leftToRight = from.x < to.x;
                  const y = from.y + 34 + (leftToRight ? 0 : 10) + (i % 3) * 2;
                  const x1 = leftToRight ? from.x + from.width : from.x;
                  const x2 = leftToRight ? to.x : to.x + to.width;
                  const stroke = BRIDGE_STROKE[b.state] ?? "#718096";
                  return (
                    <g key={`${b.localGroup}/${b.name}`} data-testid={`topology-bridge-${b.name}`} data-state={b.state}>
                      <title>{`${b.name}: ${b.localGroup} → ${b.remoteGroup} ${b.state} — ${b.stateText}`}</title>
                      <line x1={x1} y1={y} x2={x2} y2={y} stroke={stroke} strokeWidth={2} strokeDasharray={b.state === "running" ? undefined : "5 3"} />
                      <polygon points={leftToRight ? `${x2},${y} ${x2 - 7},${y - 4} ${x2 - 7},${y + 4}` : `${x2},${y} ${x2 + 7},${y - 4} ${x2 + 7},${y + 4}`} fill={stroke} />
                    </g>
                  );
                })}
                {l.links.map((k) => (
                  <g key={`${k.from}-${k.to}`} data-testid={`topology-link-${k.from}-${k.to}`}>
                    <line x1={k.x1} y1={k.y1} x2={k.x2} y2={k.y2} stroke={k.state === "streaming" ? "#4a5568" : "#b7791f"} strokeWidth={2} strokeDasharray={k.state === "streaming" ? undefined : "4 3"} />
                    <text x={(k.x1 + k.x2) / 2 + 4} y={(k.y1 + k.y2) / 2} fontSize={11} fill="#2d3748">
                      {k.lagBytes === 0 ? "in sync" : `${formatBytes(k.lagBytes)} · ${formatSeconds(k.lagSeconds, "?")}`}
                    </text>
                  </g>
                ))}
                {l.nodes.map((n) => (
                  <g key={n.name} data-testid={`topology-node-${n.name}`} data-role={n.role} style={{ cursor: "pointer" }} onClick={() => router.push(`/nodes/${encodeURIComponent(n.name)}`)}>
                    <rect x={n.x} y={n.y} width={NODE_W} height={NODE_H} rx={6} fill={FILL[n.role] ?? "#4a5568"} />
                    <text x={n.x + NODE_W / 2} y={n.y + 18} textAnchor="middle" fill="#fff" fontWeight={600}>{n.name}</text>
                    <text x={n.x + NODE_W / 2} y={n.y + 34} textAnchor="middle" fill="#fff" fontSize={11}>{n.role}</text>
                    {n.ports && <text x={n.x + NODE_W / 2} y={n.y + 49} textAnchor="middle" fill="#fff" fontSize={11} data-testid={`topology-ports-${n.name}`}>{n.ports}</text>}
                  </g>
                ))}
              </svg>
              <p className="muted">Green: master · blue: slave · red: down · dashed link: not streaming yet. Arrows between groups: network bridges (green running, amber connecting, red error; details on the Bridges page). Click a node or group for details.</p>
            </>
          );
        }}
      </ClusterGate>
    </section>
  );
}
