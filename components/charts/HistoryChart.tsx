"use client";
import type { ReactNode } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRow } from "./historySeries";

export interface SeriesSpec {
  key: keyof Omit<ChartRow, "t" | "label">;
  name: string;
  color: string;
}

/** One line chart over shaped rows (see historySeries.toChartRows); null values break the line. */
export function HistoryChart({ rows, series, title, testId }: { rows: ChartRow[]; series: SeriesSpec[]; title: string; testId: string }): ReactNode {
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p className="muted" data-testid={`${testId}-empty`}>
          No samples in this range. The console records history for every destination that moved, and each master&apos;s 20 deepest.
        </p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" minTickGap={40} />
            <YAxis allowDecimals={false} width={60} />
            <Tooltip />
            <Legend />
            {series.map((s) => (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.color} dot={false} isAnimationActive={false} connectNulls={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
