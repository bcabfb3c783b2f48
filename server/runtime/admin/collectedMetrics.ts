import { Counter, Gauge, type Registry } from "prom-client";

/**
 * A gauge whose values are read at scrape time (reset, then set by `collect`), registered on
 * `registry` only: exporter-style metrics over state that lives elsewhere (the broker, the
 * console's monitor), never a second copy of it kept up to date.
 */
export function registerCollectedGauge(registry: Registry, name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void {
  registry.registerMetric(
    new Gauge({
      name,
      help,
      labelNames,
      registers: [],
      collect() {
        this.reset();
        collect(this);
      },
    }),
  );
}

/** The same for a counter whose running total is kept by the runtime (set via reset + inc). */
export function registerCollectedCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  collect: (set: (value: number, labels?: Record<string, string>) => void) => void,
): void {
  registry.registerMetric(
    new Counter({
      name,
      help,
      labelNames,
      registers: [],
      collect() {
        this.reset();
        collect((value, l) => (l ? this.inc(l, value) : this.inc(value)));
      },
    }),
  );
}
