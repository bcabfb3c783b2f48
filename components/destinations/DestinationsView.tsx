"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { BulkActions } from "./BulkActions";
import { formatAge, formatRate } from "../charts/historySeries";
import { Sparkline } from "../charts/Sparkline";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { useUrlNumber, useUrlState } from "../useUrlState";
import "./destinations.css";

type SortKey = "name" | "depth" | "enqueued" | "dequeued" | "consumers" | "producers" | "oldestMessageAgeMs" | "inPerSec" | "outPerSec";

const COLUMNS: Array<{ key: SortKey; label: string; num: boolean }> = [
  { key: "name", label: "Name", num: false },
  { key: "depth", label: "Depth", num: true },
  { key: "inPerSec", label: "In", num: true },
  { key: "outPerSec", label: "Out", num: true },
  { key: "enqueued", label: "Enqueued", num: true },
  { key: "dequeued", label: "Dequeued", num: true },
  { key: "consumers", label: "Consumers", num: true },
  { key: "producers", label: "Producers", num: true },
  { key: "oldestMessageAgeMs", label: "Oldest", num: true },
];

export function detailHref(group: string, name: string): string {
  return `/destinations/view?${new URLSearchParams({ group, name })}`;
}

/** Every destination of every group's master: filtered, sorted and paged by the server. */
export function DestinationsView(): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  // Filter, sort and page live in the URL: a link shows the same rows.
  const [filter, setFilter] = useUrlState("filter", "");
  const [kind, setKind] = useUrlState<"" | "queue" | "topic">("kind", "");
  const [group, setGroup] = useUrlState("group", "");
  const [sort, setSort] = useUrlState<SortKey>("sort", "name");
  const [order, setOrder] = useUrlState<"asc" | "desc">("order", "asc");
  const [offset, setOffset] = useUrlNumber("offset", 0);
  const [limit, setLimit] = useUrlNumber("limit", 50);
  const [creating, setCreating] = useState(false);
  const input = { filter: filter || undefined, kind: kind || undefined, group: group || undefined, sort, order, offset, limit };
  const q = useQuery(trpc.destinations.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const status = useQuery(trpc.cluster.status.queryOptions());
  const groups = status.data?.attached === true ? status.data.groups.map((g) => g.name) : [];

  const sortBy = (key: SortKey): void => {
    if (key === sort) setOrder(order === "asc" ? "desc" : "asc");
    else {
      setSort(key);
      setOrder(key === "name" ? "asc" : "desc");
    }
    setOffset(0);
  };

  const data = q.data;
  return (
    <section>
      <h1>Destinations</h1>
      {data?.attached === false && (
        <p className="notice" data-testid="no-cluster">
          No cluster attached.
        </p>
      )}
      <div className="dest-filters">
        <label>
          Name contains
          <input value={filter} onChange={(e) => (setFilter(e.target.value), setOffset(0))} placeholder="orders" data-testid="dest-filter" />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => (setKind(e.target.value as typeof kind), setOffset(0))} data-testid="dest-kind">
            <option value="">all</option>
            <option value="queue">queue</option>
            <option value="topic">topic</option>
          </select>
        </label>
        <label>
          Group
          <select value={group} onChange={(e) => (setGroup(e.target.value), setOffset(0))} data-testid="dest-group">
            <option value="">all</option>
            {groups.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => setCreating(true)}
          disabled={!can("destinations.create")}
          title={can("destinations.create") ? undefined : "needs the operator role"}
          data-testid="dest-create-open"
        >
          New destination
        </button>
      </div>
      {creating && <CreateDestination groups={groups} onDone={() => setCreating(false)} />}
      <BulkActions selection={{ filter: input.filter, kind: input.kind, group: input.group }} />
      {data?.groups
        .filter((g) => g.error !== null)
        .map((g) => (
          <p key={g.group} className="notice" data-testid={`dest-group-error-${g.group}`}>
            {g.group}: {g.error}
          </p>
        ))}
      {q.error && <p className="error">{q.error.message}</p>}
      <table className="dest-table" data-testid="dest-table">
        <thead>
          <tr>
            <th>Group</th>
            {COLUMNS.map((c) => (
              <th key={c.key} className={c.num ? "num" : undefined} aria-sort={sort === c.key ? (order === "asc" ? "ascending" : "descending") : undefined}>
                <button type="button" className="link" onClick={() => sortBy(c.key)} data-testid={`dest-sort-${c.key}`}>
                  {c.label}
                  {sort === c.key ? (order === "asc" ? " ▲" : " ▼") : ""}
                </button>
              </th>
            ))}
            <th>Depth, 15 min</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((r) => (
            <tr key={`${r.group}${r.name}`} data-testid="dest-row" data-name={r.name} data-group={r.group}>
              <td>{r.group}</td>
              <td>
                <Link href={detailHref(r.group, r.name)} data-testid="dest-link">
                  {r.name}
                </Link>
                {r.kind !== "queue" && <span className="badge">{r.kind}</span>}
              </td>
              <td className="num" data-testid="dest-depth">{r.depth}</td>
              <td className="num">{formatRate(r.inPerSec)}</td>
              <td className="num">{formatRate(r.outPerSec)}</td>
              <td className="num">{r.enqueued}</td>
              <td className="num">{r.dequeued}</td>
              <td className="num">{r.consumers}</td>
              <td className="num">{r.producers}</td>
              <td className="num">{formatAge(r.oldestMessageAgeMs)}</td>
              <td>
                <Sparkline values={r.spark} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data !== undefined && data.items.length === 0 && <p className="muted" data-testid="dest-empty">No destinations match.</p>}
      <div className="dest-pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - limit))} data-testid="dest-prev">
          Previous
        </button>
        <span data-testid="dest-range">
          {data === undefined || data.total === 0 ? "0" : `${offset + 1}–${Math.min(offset + limit, data.total)}`} of {data?.total ?? "…"}
        </span>
        <button type="button" disabled={data === undefined || offset + limit >= data.total} onClick={() => setOffset(offset + limit)} data-testid="dest-next">
          Next
        </button>
        <select value={limit} onChange={(e) => (setLimit(Number(e.target.value)), setOffset(0))} aria-label="rows per page">
          {[25, 50, 100, 200].map((n) => (
            <option key={n} value={n}>
              {n} / page
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

function CreateDestination({ groups, onDone }: { groups: string[]; onDone: () => void }): ReactNode {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [group, setGroup] = useState(groups[0] ?? "");
  const [kind, setKind] = useState<"queue" | "topic">("queue");
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.destinations.create.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.destinations.pathKey() }),
    }),
  );
  return (
    <form
      className="dest-form"
      data-testid="dest-create-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ group, kind, name });
      }}
    >
      <div className="row">
        <label>
          Group
          <select value={group} onChange={(e) => setGroup(e.target.value)} data-testid="dest-create-group">
            {groups.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as "queue" | "topic")} data-testid="dest-create-kind">
            <option value="queue">queue</option>
            <option value="topic">topic</option>
          </select>
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="orders" data-testid="dest-create-name" />
        </label>
        <button type="submit" disabled={name.trim() === "" || group === "" || create.isPending} data-testid="dest-create-submit">
          Create
        </button>
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
      {create.error && <p className="error">{create.error.message}</p>}
      {create.data && (
        <p className="result" data-testid="dest-create-result">
          {create.data.created ? "Created" : "Already existed:"} {create.data.destination} on {create.data.node} ({create.data.group})
        </p>
      )}
    </form>
  );
}
