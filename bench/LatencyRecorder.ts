/**
 * Latency samples in milliseconds. Stored raw (a Float64Array that doubles) rather than bucketed:
 * a bounded benchmark takes at most a few million samples, and exact percentiles avoid arguing
 * about histogram resolution at sub-millisecond latencies.
 */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private n = 0;

  record(ms: number): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = ms;
  }

  get count(): number {
    return this.n;
  }

  /** p in [0, 100]; NaN when there are no samples. */
  percentiles(ps: number[]): number[] {
    if (this.n === 0) return ps.map(() => Number.NaN);
    const sorted = this.samples.slice(0, this.n).sort();
    return ps.map((p) => sorted[Math.min(this.n - 1, Math.floor((p / 100) * this.n))]!);
  }
}
