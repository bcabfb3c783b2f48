"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { formatRate } from "../cluster/format";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";

/** Refetch interval: connection counters change with every frame, and no push carries them. */
const REFRESH_MS = 5_000;

function beat(ms: number): string {
  return ms === 0 ? "off" : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

/** A node's client connections (with their consumers) and durable subscriptions; operators may close a connection. */
export function NodeConnectionsTab({ name }: { name: string }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const list = useQuery({ ...trpc.connections.list.queryOptions({ node: name }), refetchInterval: REFRESH_MS });
  const durables = useQuery({ ...trpc.connections.durables.queryOptions({ node: name }), refetchInterval: REFRESH_MS });
  const [confirming, setConfirming] = useState<string | null>(null);
  const close = useMutation(
    trpc.connections.close.mutationOptions({
      onSuccess: () => {
        setConfirming(null);
        void queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
      },
    }),
  );
  const mayClose = can("connections.close");
  return (
    <div data-testid="node-connections-tab">
      <h2>Connections {list.data ? `(${list.data.total})` : ""}</h2>
      {list.error && <p className="error" data-testid="connections-error">{list.error.message}</p>}
      {close.error && <p className="error" data-testid="connection-close-error">{close.error.message}</p>}
      {list.data && list.data.connections.length === 0 && <p className="muted">No client is connected to {name}.</p>}
      {list.data && list.data.connections.length > 0 && (
        <table data-testid="connections-table">
          <thead>
            <tr>
              <th>Client</th>
              <th>User</th>
              <th>Protocol</th>
              <th title="we send / we expect">Heart-beat</th>
              <th>In/s</th>
              <th>Out/s</th>
              <th>Unacked</th>
              <th>Consumers</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.connections.map((c) => (
              <tr key={c.id} data-testid="connection-row" data-connection={c.id}>
                <td>
                  <code>{c.remoteAddress}</code>
                  {c.clientId !== null && <div className="muted">client-id {c.clientId}</div>}
                  <div className="muted">
                    {c.id}, since {new Date(c.connectedAt).toLocaleString()}
                    {c.paused ? ", paused (flow control)" : ""}
                  </div>
                </td>
                <td>{c.user ?? <span className="muted">anonymous</span>}</td>
                <td data-testid="connection-protocol">
                  STOMP {c.version} over {c.transport}
                </td>
                <td data-testid="connection-heartbeat">
                  {c.heartBeat === null ? "—" : `${beat(c.heartBeat.sendEveryMs)} / ${beat(c.heartBeat.expectEveryMs)}`}
                </td>
                <td>{c.inPerSec === null ? "—" : formatRate(c.inPerSec)}</td>
                <td>{c.outPerSec === null ? "—" : formatRate(c.outPerSec)}</td>
                <td data-testid="connection-unacked">{c.unacked}</td>
                <td>
                  {c.subscriptions.length === 0
                    ? "—"
                    : c.subscriptions.map((s) => (
                        <div key={s.id} data-testid="connection-subscription">
                          {s.destination} ({s.ackMode}, {s.inflight} unacked{s.selector ? `, selector ${s.selector}` : ""})
                        </div>
                      ))}
                </td>
                <td>
                  {confirming === c.id ? (
                    <>
                      <button type="button" className="danger" onClick={() => close.mutate({ node: name, id: c.id })} data-testid="connection-close-confirm">
                        Close {c.remoteAddress}; its {c.unacked} unacked go back to their destinations
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      disabled={!mayClose}
                      title={mayClose ? undefined : "needs the operator role"}
                      onClick={() => setConfirming(c.id)}
                      data-testid="connection-close"
                    >
                      Close…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Durable subscriptions {durables.data ? `(${durables.data.total})` : ""}</h2>
      {durables.error && <p className="error">{durables.error.message}</p>}
      {durables.data && durables.data.durables.length === 0 && <p className="muted">No durable subscription on {name}.</p>}
      {durables.data && durables.data.durables.length > 0 && (
        <table data-testid="durables-table">
          <thead>
            <tr>
              <th>Topic</th>
              <th>client-id / name</th>
              <th>State</th>
              <th>Pending</th>
              <th>Unacked</th>
              <th>Selector</th>
            </tr>
          </thead>
          <tbody>
            {durables.data.durables.map((d) => (
              <tr key={`${d.clientId}:${d.subscriptionName}`} data-testid="durable-row">
                <td>{d.topic}</td>
                <td>
                  {d.clientId} / {d.subscriptionName}
                </td>
                <td data-testid="durable-state">{d.consumers > 0 ? "online" : "offline (messages accumulate)"}</td>
                <td>{d.pending}</td>
                <td>{d.inflight}</td>
                <td>{d.selector ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
