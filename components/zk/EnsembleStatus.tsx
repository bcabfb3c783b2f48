"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc";

/**
 * The coordinator ensemble at a glance, from four-letter words. A server that allows only `srvr`
 * (ZooKeeper's default whitelist) still shows mode, version, zxid and latency; the refused words
 * are listed instead of an error.
 */
export function EnsembleStatus(): ReactNode {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.zk.ensemble.queryOptions(), refetchInterval: 10_000 });
  if (q.isLoading) return <p>Reading ensemble status…</p>;
  if (q.error) return <p className="error">{q.error.message}</p>;
  const data = q.data!;
  if (data.connectString === null) return <p>No coordinator configured.</p>;
  return (
    <table className="ensemble" data-testid="zk-ensemble">
      <thead>
        <tr>
          <th>server</th>
          <th>mode</th>
          <th>version</th>
          <th>zxid</th>
          <th>connections</th>
          <th>latency min/avg/max</th>
          <th>znodes</th>
          <th>notes</th>
        </tr>
      </thead>
      <tbody>
        {data.servers.map((s) => (
          <tr key={s.server} data-testid="zk-ensemble-server">
            <td>{s.server}</td>
            <td>{s.reachable ? (s.mode ?? "?") : "unreachable"}</td>
            <td>{s.version ?? ""}</td>
            <td>{s.zxid ?? ""}</td>
            <td>{s.connections ?? ""}</td>
            <td>{s.latency ?? ""}</td>
            <td>{s.znodes ?? ""}</td>
            <td>
              {s.error ?? ""}
              {s.refused.length > 0 ? `not whitelisted: ${s.refused.join(", ")}` : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
