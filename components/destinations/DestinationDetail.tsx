"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { formatAge, formatRate, toChartRows } from "../charts/historySeries";
import { HistoryChart } from "../charts/HistoryChart";
import { useTRPC } from "../trpc";
import { BrowseMessages } from "./BrowseMessages";
import { DestinationActions } from "./DestinationActions";
import { detailHref } from "./DestinationsView";
import { useUrlNumber, useUrlState } from "../useUrlState";
import "./destinations.css";

const RANGES: Array<{ label: string; ms: number }> = [
  { label: "15 min", ms: 15 * 60_000 },
  { label: "1 h", ms: 3_600_000 },
  { label: "6 h", ms: 6 * 3_600_000 },
  { label: "24 h", ms: 24 * 3_600_000 },
  { label: "7 d", ms: 7 * 24 * 3_600_000 },
];

/** One destination: live numbers, history charts, actions and the message browser. */
export function DestinationDetail({ group, name }: { group: string; name: string }): ReactNode {
  const trpc = useTRPC();
  // Time range and selected message live in the URL (next to group and name): links reopen them.
  const [rangeMs, setRangeMs] = useUrlNumber("range", 3_600_000);
  const [msgId, setMsgId] = useUrlState("msg", "");
  const selected = msgId || null;
  const setSelected = (id: string | null): void => setMsgId(id ?? "");
  // Live: refetched when the group master's counters move (a push on the live channel), not polled.
  const d = useQuery(trpc.destinations.get.queryOptions({ group, name }));
  const h = useQuery(trpc.destinations.history.queryOptions({ group, name, rangeMs }, { refetchInterval: 15_000, refetchIntervalInBackground: false }));
  const rows = h.data === undefined ? [] : toChartRows(h.data.points, h.data.bucketMs, rangeMs);
  return (
    <section>
      <p>
        <Link href="/destinations">← Destinations</Link>
      </p>
      <h1 data-testid="dest-title">
        {name} <span className="badge">{group}</span>
      </h1>
      {d.error && <p className="error" data-testid="dest-error">{d.error.message}</p>}
      {d.data && (
        <>
          <div className="dest-stats" data-testid="dest-stats">
            <div>
              depth<b data-testid="stat-depth">{d.data.depth}</b>
            </div>
            <div>
              in<b>{formatRate(d.data.inPerSec)}</b>
            </div>
            <div>
              out<b>{formatRate(d.data.outPerSec)}</b>
            </div>
            <div>
              enqueued<b>{d.data.enqueued}</b>
            </div>
            <div>
              dequeued<b>{d.data.dequeued}</b>
            </div>
            <div>
              consumers<b>{d.data.consumers}</b>
            </div>
            <div>
              producers<b>{d.data.producers}</b>
            </div>
            <div>
              in flight<b>{d.data.inflight}</b>
            </div>
            <div>
              oldest<b>{formatAge(d.data.oldestMessageAgeMs)}</b>
            </div>
            <div>
              master<b>{d.data.node}</b>
            </div>
          </div>
          <p className="muted">
            {d.data.kind}
            {d.data.spilled > 0 ? ` · ${d.data.spilled} paged out to the journal` : ""} · dead letters go to{" "}
            <Link href={detailHref(group, d.data.deadLetterQueue)}>{d.data.deadLetterQueue}</Link>
            {d.data.retryTarget !== null && (
              <>
                {" "}
                · this is the DLQ of <Link href={detailHref(group, d.data.retryTarget)}>{d.data.retryTarget}</Link>
              </>
            )}
          </p>
          <DestinationActions group={group} name={name} kind={d.data.kind} retryTarget={d.data.retryTarget} selectedId={selected} />
        </>
      )}
      <h2>History</h2>
      <div className="toolbar">
        {RANGES.map((r) => (
          <button type="button" key={r.ms} className={r.ms === rangeMs ? "on" : undefined} onClick={() => setRangeMs(r.ms)} data-testid={`range-${r.label.replace(" ", "")}`}>
            {r.label}
          </button>
        ))}
      </div>
      {h.error && <p className="error">{h.error.message}</p>}
      <div className="dest-charts">
        <HistoryChart rows={rows} title="Depth" testId="chart-depth" series={[{ key: "depth", name: "depth", color: "#2f6feb" }]} />
        <HistoryChart
          rows={rows}
          title="Rates (msg/s)"
          testId="chart-rates"
          series={[
            { key: "inPerSec", name: "in", color: "#38a169" },
            { key: "outPerSec", name: "out", color: "#dd6b20" },
          ]}
        />
        <HistoryChart
          rows={rows}
          title="Enqueued / dequeued (counters)"
          testId="chart-counters"
          series={[
            { key: "enqueued", name: "enqueued", color: "#805ad5" },
            { key: "dequeued", name: "dequeued", color: "#d53f8c" },
          ]}
        />
      </div>
      {(d.data === undefined || d.data.kind === "queue") && (
        <>
          <h2>Messages</h2>
          <BrowseMessages group={group} name={name} selected={selected} onSelect={setSelected} version={d.data ? `${d.data.enqueued}/${d.data.dequeued}/${d.data.depth}` : ""} />
        </>
      )}
    </section>
  );
}
