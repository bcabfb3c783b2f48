"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "./trpc";
import { useMe } from "./useMe";
import { Time } from "./Time";

export function AuditTable(): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const allowed = can("audit.list");
  const q = useQuery({ ...trpc.audit.list.queryOptions({ limit: 200 }), enabled: allowed });
  if (!allowed) return <p className="notice">The audit log needs the operator role.</p>;
  if (q.error) return <p className="error">{q.error.message}</p>;
  return (
    <section>
      <h1>Audit</h1>
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Who</th>
            <th>From</th>
            <th>Action</th>
            <th>Target</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.map((a) => (
            <tr key={a.id} className={a.result === "ok" ? undefined : "failed"}>
              <td><Time at={a.time} ms /></td>
              <td>{a.actor}</td>
              <td>{a.ip ?? ""}</td>
              <td>{a.action}</td>
              <td>{a.target ?? ""}</td>
              <td title={a.detail ?? undefined}>{a.result}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
