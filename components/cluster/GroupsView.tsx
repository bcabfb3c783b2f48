"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc";
import { ClusterGate } from "./ClusterGate";

/** Every master/slave group with its master and quorum; each links to its group page. */
export function GroupsView(): ReactNode {
  const trpc = useTRPC();
  const q = useQuery(trpc.cluster.overview.queryOptions());
  return (
    <section>
      <h1>Groups</h1>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => (
          <table data-testid="groups-table">
            <thead>
              <tr><th>Group</th><th>Master</th><th>Slaves</th><th>Members</th><th>Quorum</th><th>Sync policy</th></tr>
            </thead>
            <tbody>
              {q.data!.groups.map((g) => (
                <tr key={g.name} data-testid={`groups-row-${g.name}`}>
                  <td><Link href={`/groups/${encodeURIComponent(g.name)}`} data-testid={`groups-link-${g.name}`}>{g.name}</Link></td>
                  <td>{g.master ?? <span className="error">none</span>}</td>
                  <td>{g.slaves.join(", ") || "—"}</td>
                  <td>{g.members} / {g.replicas}</td>
                  <td>{g.quorum}</td>
                  <td>{g.sync}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ClusterGate>
    </section>
  );
}
