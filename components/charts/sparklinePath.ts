/**
 * SVG polyline points for a sparkline: values scaled into width × height (y grows downwards),
 * gaps (null) split the line into segments so a missing sample is not drawn as a slope.
 * A flat series is drawn along the bottom. Pure, so it is tested without a browser.
 */
export function sparklineSegments(values: ReadonlyArray<number | null>, width: number, height: number, pad = 1): string[] {
  const nums = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (nums.length === 0) return [];
  const min = Math.min(0, ...nums);
  const max = Math.max(...nums);
  const span = max - min;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const y = (v: number): number => (span === 0 ? height - pad : height - pad - ((v - min) / span) * (height - 2 * pad));
  const segments: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (cur.length > 0) segments.push(cur.join(" "));
      cur = [];
      return;
    }
    cur.push(`${round(pad + i * step)},${round(y(v))}`);
  });
  if (cur.length > 0) segments.push(cur.join(" "));
  return segments;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
