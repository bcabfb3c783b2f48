"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { formatRate } from "../charts/historySeries";
import { bridgeRates, type BridgeSample } from "./bridgeRates";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { ClusterGate } from "./ClusterGate";
import { ConfirmButton } from "./ConfirmButton";
import { formatBytes } from "./format";
import { Time } from "../Time";

const STATE_CLASS: Record<string, string | undefined> = { running: undefined, connecting: "warn", error: "error", stopped: "error" };

/**
 * The network of brokers: every bridge as the master running it reports it — state with its
 * reason (as RabbitMQ's federation status page), endpoints, counters, demand per destination —
 * and a restart action for operators. Refreshed every 5 s and on live invalidation.
 */
export function BridgesView(): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.bridges.list.queryOptions(undefined, { refetchInterval: 5000 }));
  const restart = useMutation(trpc.bridges.restart.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.bridges.pathKey() }) }));
  const allowed = can("bridges.restart");
  // Rates come from the difference between two polls of the masters' counters.
  const previous = useRef(new Map<string, BridgeSample>());
  const [rates, setRates] = useState(new Map<string, number | null>());
  useEffect(() => {
    if (!q.data) return;
    const samples = q.data.bridges.map((b) => ({ key: `${b.localGroup}/${b.name}`, forwarded: b.counters.forwarded, at: b.at }));
    setRates(bridgeRates(previous.current, samples));
    previous.current = new Map(samples.map((s) => [s.key, s]));
  }, [q.data]);
  return (
    <section>
      <h1>Bridges</h1>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => (
          <>
            {q.data!.unreachable.map((u) => (
              <p key={u.group} className="error" data-testid={`bridges-unreachable-${u.group}`}>{u.group}: {u.reason}</p>
            ))}
            {q.data!.bridges.length === 0 ? <p data-testid="bridges-empty">No bridge runs in this cluster (networkConnectors in the cluster file).</p> : null}
            <table data-testid="bridges-table">
              <thead>
                <tr>
                  <th>Bridge</th><th>From</th><th>To</th><th>State</th><th>Forwarded</th><th>Rate</th><th>In flight</th><th>Replayed</th><th>Rejected / dropped</th><th>Connects / failures</th><th>Demand</th><th>Since</th><th />
                </tr>
              </thead>
              <tbody>
                {q.data!.bridges.map((b) => (
                  <tr key={`${b.localGroup}/${b.name}`} data-testid={`bridges-row-${b.name}`}>
                    <td>{b.name}{b.settings.duplex ? " (duplex)" : ""}</td>
                    <td>{b.localGroup} <span className="muted">({b.localNode})</span></td>
                    <td>
                      {b.remoteGroup ?? "external"} <span className="muted">{b.remoteMaster ?? b.remoteEndpoints.join(", ")}</span>
                    </td>
                    <td>
                      <span className={STATE_CLASS[b.state]} data-testid={`bridges-state-${b.name}`}>{b.state}</span>
                      <div className="muted" data-testid={`bridges-state-text-${b.name}`}>{b.stateText}</div>
                    </td>
                    <td data-testid={`bridges-forwarded-${b.name}`}>{b.counters.forwarded} <span className="muted">({formatBytes(b.counters.forwardedBytes)})</span></td>
                    <td data-testid={`bridges-rate-${b.name}`}>{formatRate(rates.get(`${b.localGroup}/${b.name}`) ?? null)}</td>
                    <td>{b.counters.inFlight}</td>
                    <td>{b.counters.replayed}</td>
                    <td>{b.counters.rejected} / {b.counters.dropped}</td>
                    <td data-testid={`bridges-connects-${b.name}`}>{b.counters.connects} / {b.counters.failures}</td>
                    <td data-testid={`bridges-demand-${b.name}`}>
                      {b.demand.length === 0 ? <span className="muted">none</span> : b.demand.map((d) => <div key={d.destination}>{d.destination}: {d.consumers}</div>)}
                    </td>
                    <td>{b.lastStateChange ? <Time at={b.lastStateChange} /> : "—"}</td>
                    <td>
                      <ConfirmButton label="Restart" confirmLabel={`Restart ${b.name}`} testid={`bridges-restart-${b.name}`}
                        disabled={!allowed || restart.isPending} title={allowed ? undefined : "needs the operator role"}
                        onConfirm={() => restart.mutate({ group: b.localGroup, name: b.name })} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {restart.error ? <p className="error" data-testid="bridges-restart-error">{restart.error.message}</p> : null}
          </>
        )}
      </ClusterGate>
    </section>
  );
}
