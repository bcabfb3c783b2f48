/** Rows for the slave-lag bar chart: one bar per slave, bytes behind, worst first. */
export function lagChartData(slaves: Array<{ to: string; lagBytes: number; state: string }>): Array<{ node: string; lagBytes: number; streaming: boolean }> {
  return slaves
    .map((s) => ({ node: s.to, lagBytes: Math.max(0, s.lagBytes), streaming: s.state === "streaming" }))
    .sort((a, b) => b.lagBytes - a.lagBytes || a.node.localeCompare(b.node));
}
