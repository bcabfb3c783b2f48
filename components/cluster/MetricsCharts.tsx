"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { formatZoom, hasPoints, metricRows, nodesWith, parseZoom, queryWindow, TIME_RANGES, type LinePick } from "../charts/metricRows";
import { TimeSeriesChart, type ChartLine } from "../charts/TimeSeriesChart";
import { useTRPC } from "../trpc";
import { useUrlNumber, useUrlState } from "../useUrlState";
import { formatBytes, formatRate, formatTime } from "./format";
import "../destinations/destinations.css";

const PALETTE = ["#2f6feb", "#38a169", "#dd6b20", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#e53e3e"];
const EMPTY = "No samples in this range yet: the console records every node every 5–10 s while it runs.";

interface ChartSpec {
  title: string;
  testId: string;
  format: (v: number) => string;
  lines: Array<ChartLine & LinePick>;
}

const count = (v: number): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString() : String(Math.round(v * 10) / 10));

/** The overview's charts: cluster totals, then one line per node for memory, store and replication lag. */
function clusterCharts(h: { series: ReadonlyArray<{ metric: string; node: string | null }> } & Parameters<typeof nodesWith>[0]): ChartSpec[] {
  const perNode = (metric: string): Array<ChartLine & LinePick> =>
    nodesWith(h, metric).map((node, i) => ({ key: `${metric}:${node}`, name: node, color: PALETTE[i % PALETTE.length]!, metric, node }));
  return [
    { title: "Messages in / out (msg/s, all nodes)", testId: "chart-rates", format: formatRate, lines: [
      { key: "in", name: "in", color: "#38a169", metric: "in_per_sec", node: null },
      { key: "out", name: "out", color: "#dd6b20", metric: "out_per_sec", node: null },
    ] },
    { title: "Depth (messages waiting, all masters)", testId: "chart-depth", format: count, lines: [{ key: "depth", name: "depth", color: "#2f6feb", metric: "depth", node: null }] },
    { title: "Connections (all nodes)", testId: "chart-connections", format: count, lines: [{ key: "connections", name: "connections", color: "#805ad5", metric: "connections", node: null }] },
    { title: "Broker memory used, per node", testId: "chart-memory", format: formatBytes, lines: perNode("memory_used") },
    { title: "Store used, per node", testId: "chart-store", format: formatBytes, lines: perNode("store_used") },
    { title: "Replication lag, per slave (bytes behind its master)", testId: "chart-lag", format: formatBytes, lines: perNode("lag_bytes") },
  ];
}

/** A node page's charts: its own series. */
function nodeCharts(node: string): ChartSpec[] {
  const l = (key: string, name: string, color: string, metric: string): ChartLine & LinePick => ({ key, name, color, metric, node });
  return [
    { title: "Messages in / out (msg/s)", testId: "chart-rates", format: formatRate, lines: [l("in", "in", "#38a169", "in_per_sec"), l("out", "out", "#dd6b20", "out_per_sec")] },
    { title: "Depth and in flight", testId: "chart-depth", format: count, lines: [l("depth", "depth", "#2f6feb", "depth"), l("inflight", "in flight", "#d53f8c", "inflight")] },
    { title: "Connections", testId: "chart-connections", format: count, lines: [l("connections", "connections", "#805ad5", "connections")] },
    { title: "Memory (broker accounting and process RSS)", testId: "chart-memory", format: formatBytes, lines: [l("memory", "broker memory", "#2f6feb", "memory_used"), l("rss", "process RSS", "#b7791f", "rss")] },
    { title: "Store used", testId: "chart-store", format: formatBytes, lines: [l("store", "store", "#319795", "store_used")] },
    { title: "Replication lag (bytes behind the master)", testId: "chart-lag", format: formatBytes, lines: [l("lag", "lag", "#e53e3e", "lag_bytes")] },
  ];
}

/**
 * Charts over time for the overview (no `node`) or one node, with a time-range picker and
 * drag-to-zoom; range and zoom live in the URL (?range=ms, ?zoom=from-to) so a link reopens the
 * same window. Refetched on a timer as slow as the buckets allow (pushes do not touch history:
 * an idle tab stays cheap).
 */
export function MetricsCharts({ node }: { node?: string }): ReactNode {
  const trpc = useTRPC();
  const [rangeMs, setRangeMs] = useUrlNumber("range", 3_600_000);
  const [zoomRaw, setZoomRaw] = useUrlState("zoom", "");
  const zoom = parseZoom(zoomRaw);
  const win = queryWindow(rangeMs, zoom);
  const h = useQuery(
    trpc.cluster.history.queryOptions(
      { ...(node !== undefined ? { node } : {}), ...win },
      { refetchInterval: zoom !== null ? false : Math.max(30_000, Math.min(rangeMs / 60, 300_000)), refetchIntervalInBackground: false },
    ),
  );
  const specs = h.data === undefined ? [] : node !== undefined ? nodeCharts(node) : clusterCharts(h.data);
  return (
    <section data-testid="metrics-charts">
      <div className="toolbar" style={{ display: "flex", gap: 6, alignItems: "center", flexWrap: "wrap", margin: "8px 0" }}>
        {TIME_RANGES.map((r) => (
          <button
            type="button"
            key={r.ms}
            className={r.ms === rangeMs && zoom === null ? "on" : undefined}
            aria-pressed={r.ms === rangeMs && zoom === null}
            onClick={() => (setZoomRaw(""), setRangeMs(r.ms))}
            data-testid={`range-${r.label.replace(" ", "")}`}
          >
            {r.label}
          </button>
        ))}
        {zoom !== null ? (
          <>
            <span className="muted" data-testid="chart-zoomed">
              {formatTime(zoom.from)} – {formatTime(zoom.to)}
            </span>
            <button type="button" onClick={() => setZoomRaw("")} data-testid="chart-zoom-reset">Reset zoom</button>
          </>
        ) : (
          <span className="muted">Drag across a chart to zoom.</span>
        )}
      </div>
      {h.error && <p className="error">{h.error.message}</p>}
      {h.isLoading && <p className="muted">Loading charts…</p>}
      {h.data && (
        <div className="dest-charts">
          {specs.map((c) => {
            const rows = metricRows(h.data, c.lines);
            const keys = c.lines.map((l) => l.key);
            return (
              <TimeSeriesChart
                key={c.testId}
                rows={hasPoints(rows, keys) ? rows : []}
                lines={c.lines}
                title={c.title}
                testId={c.testId}
                format={c.format}
                emptyText={c.testId === "chart-lag" ? "No replication lag recorded in this range (only slaves of a running master have one)." : EMPTY}
                onZoom={(from, to) => setZoomRaw(formatZoom(from, to))}
              />
            );
          })}
        </div>
      )}
    </section>
  );
}
