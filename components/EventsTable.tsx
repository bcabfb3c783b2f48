"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "./trpc";
import { Time } from "./Time";

export function EventsTable(): ReactNode {
  const trpc = useTRPC();
  const q = useQuery(trpc.events.list.queryOptions({ limit: 200 }));
  if (q.error) return <p className="error">{q.error.message}</p>;
  return (
    <section>
      <h1>Events</h1>
      {q.data?.length === 0 && <p className="muted" data-testid="events-empty">No events recorded yet.</p>}
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Kind</th>
            <th>Group</th>
            <th>Node</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.map((e) => (
            <tr key={e.id}>
              <td><Time at={e.time} ms /></td>
              <td>{e.kind}</td>
              <td>{e.group ?? ""}</td>
              <td>{e.node ?? ""}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
