"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "./trpc";

/** Cluster pages: the attached cluster's groups and nodes, or "no cluster attached". */
export function ClusterSummary({ title }: { title: string }): ReactNode {
  const trpc = useTRPC();
  const q = useQuery(trpc.cluster.status.queryOptions());
  if (q.isLoading) return <p>Loading…</p>;
  if (q.error) return <p className="error">{q.error.message}</p>;
  const s = q.data!;
  return (
    <section>
      <h1>{title}</h1>
      {!s.attached ? (
        <p className="notice" data-testid="no-cluster">
          No cluster attached. {s.zkConfigured ? "The ZooKeeper explorer is available." : "Set TANDEM_ZK to browse a coordinator."}
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Group</th>
              <th>Node</th>
              <th>Role</th>
              <th>STOMP</th>
            </tr>
          </thead>
          <tbody>
            {s.groups.flatMap((g) =>
              g.nodes.map((n) => (
                <tr key={`${g.name}/${n.id}`}>
                  <td>{g.name}</td>
                  <td>{n.id}</td>
                  <td>{n.role}</td>
                  <td>{n.stompAddress ?? "—"}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
