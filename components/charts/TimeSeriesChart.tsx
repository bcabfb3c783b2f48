"use client";
import { useRef, useState, type ReactNode } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { axisLabel, timeAtX, zoomFromDrag, type MetricRow } from "./metricRows";

export interface ChartLine {
  key: string;
  name: string;
  color: string;
}

/** Few enough measured points that each should be drawn as a dot. */
const SPARSE_POINTS = 40;

function sparse(rows: MetricRow[], key: string): boolean {
  let n = 0;
  for (const r of rows) if (r[key] !== null && r[key] !== undefined && ++n > SPARSE_POINTS) return false;
  return true;
}

/**
 * One line chart over time (rows from metricRows): a numeric time axis, lines that break where
 * nothing was measured, and drag-to-zoom — press, drag across a stretch, release — which hands
 * the selected window to `onZoom` (the page keeps it in the URL and asks the server for it, so a
 * zoomed hour of roll-ups comes back at the finest resolution kept).
 */
export function TimeSeriesChart({ rows, lines, title, testId, format, onZoom, emptyText }: {
  rows: MetricRow[];
  lines: ChartLine[];
  title: string;
  testId: string;
  format: (v: number) => string;
  onZoom: (from: number, to: number) => void;
  emptyText: string;
}): ReactNode {
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragTo, setDragTo] = useState<number | null>(null);
  const points = rows.reduce((n, r) => n + lines.filter((l) => r[l.key] !== null && r[l.key] !== undefined).length, 0);
  const span = rows.length > 1 ? rows[rows.length - 1]!.t - rows[0]!.t : 0;
  // Drag-to-zoom with plain pointer events over the plot area (recharts' own chart events arrive
  // a frame late through its store, with the closure of an earlier render): the pointer's x maps
  // linearly onto the time axis, whose domain is the first and last row.
  const wrap = useRef<HTMLDivElement | null>(null);
  const at = (clientX: number, insideOnly = false): number | null => {
    const grid = wrap.current?.querySelector(".recharts-cartesian-grid");
    if (!grid || rows.length < 2) return null;
    const r = grid.getBoundingClientRect();
    if (insideOnly && (clientX < r.left || clientX > r.right)) return null; // a press on the axis or legend is no drag
    return timeAtX(clientX, r.left, r.width, rows[0]!.t, rows[rows.length - 1]!.t);
  };
  const finish = (): void => {
    const z = zoomFromDrag(dragFrom, dragTo, rows.length > 1 ? rows[1]!.t - rows[0]!.t : 0);
    setDragFrom(null);
    setDragTo(null);
    if (z !== null) onZoom(z.from, z.to);
  };
  return (
    <figure className="chart" data-testid={testId} data-points={points}>
      <figcaption>{title}</figcaption>
      {points === 0 ? (
        <p className="muted" data-testid={`${testId}-empty`}>{emptyText}</p>
      ) : (
        <div
          ref={wrap}
          data-testid={`${testId}-plot`}
          onPointerDown={(e) => {
            const t = at(e.clientX, true);
            if (t === null) return;
            e.currentTarget.setPointerCapture(e.pointerId);
            setDragFrom(t);
            setDragTo(null);
          }}
          onPointerMove={(e) => {
            if (dragFrom === null) return;
            const t = at(e.clientX);
            if (t !== null) setDragTo(t);
          }}
          onPointerUp={finish}
          onPointerCancel={() => (setDragFrom(null), setDragTo(null))}
        >
        <ResponsiveContainer width="100%" height={200}>
          <LineChart
            data={rows}
            syncId="metrics"
            margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
            style={{ userSelect: "none", cursor: "crosshair" }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(t: number) => axisLabel(t, span)} minTickGap={40} />
            <YAxis width={72} tickFormatter={format} />
            <Tooltip labelFormatter={(t) => axisLabel(Number(t), Math.min(span, 3_600_000))} formatter={(v) => (typeof v === "number" ? format(v) : String(v))} />
            <Legend />
            {lines.map((l) => (
              // A sparse line gets dots: a lone bucket between gaps is a point, which a line alone never shows.
              <Line key={l.key} type="monotone" dataKey={l.key} name={l.name} stroke={l.color} dot={sparse(rows, l.key) ? { r: 2 } : false} isAnimationActive={false} connectNulls={false} />
            ))}
            {dragFrom !== null && dragTo !== null && <ReferenceArea x1={dragFrom} x2={dragTo} strokeOpacity={0.3} fill="#2f6feb" fillOpacity={0.15} />}
          </LineChart>
        </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
