import type { ReactNode } from "react";
import { sparklineSegments } from "./sparklinePath";

/** Depth trend in a table cell: plain SVG (50 rows of recharts would cost more than the table). */
export function Sparkline({ values, width = 90, height = 22, testId }: { values: ReadonlyArray<number | null>; width?: number; height?: number; testId?: string }): ReactNode {
  const segments = sparklineSegments(values, width, height);
  if (segments.length === 0) return <span className="muted" data-testid={testId}>—</span>;
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="depth trend" data-testid={testId}>
      {segments.map((points, i) =>
        points.includes(" ") ? (
          <polyline key={i} points={points} fill="none" stroke="#2f6feb" strokeWidth={1.5} />
        ) : (
          <circle key={i} cx={points.split(",")[0]} cy={points.split(",")[1]} r={1.5} fill="#2f6feb" />
        ),
      )}
    </svg>
  );
}
