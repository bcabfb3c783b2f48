// Runs a range of simulator seeds in this process and prints one JSON summary line (SeedsSummary).
// The test spawns it: under node:test every promise is tracked by the runner's async hooks, which
// makes the simulator — millions of promise hops — over ten times slower than in a plain process.
//   node --import tsx server/runtime/ha/sim/simulateSeeds.ts <firstSeed> <count> [stopAtFirst=1] [budgetMs=0] [minCount]
// With a budget, it stops early once the budget is spent and at least minCount seeds ran.
import { describeFailure, runSchedule } from "./runSchedule";

export interface SeedsSummary {
  first: number;
  count: number;
  events: number;
  acked: number;
  lateReceipts: number;
  stalePromotions: number;
  ms: number;
  /** Schedules run before the first violation (including it), or null. */
  foundAfter: number | null;
  violations: Array<{ seed: number; violation: string; report: string }>;
  unsettled: Array<{ seed: number; liveness: string }>;
}

const TEST_FILE = "server/runtime/ha/sim/haSimulation.test.ts";

export async function simulateSeeds(
  first: number,
  count: number,
  stopAtFirst: boolean,
  progress?: (s: SeedsSummary) => void,
  budget?: { ms: number; min: number },
  onViolation?: (seed: number, violation: string) => void,
): Promise<SeedsSummary> {
  const started = Date.now();
  const out: SeedsSummary = { first, count: 0, events: 0, acked: 0, lateReceipts: 0, stalePromotions: 0, ms: 0, foundAfter: null, violations: [], unsettled: [] };
  for (let seed = first; seed < first + count; seed++) {
    const r = await runSchedule({ seed });
    out.count++;
    out.events += r.events;
    out.acked += r.acked;
    out.lateReceipts += r.lateReceipts;
    out.stalePromotions += r.stalePromotions;
    if (r.liveness) out.unsettled.push({ seed, liveness: r.liveness });
    if (r.violation) {
      out.foundAfter ??= out.count;
      out.violations.push({ seed, violation: r.violation, report: describeFailure(r, TEST_FILE) });
      onViolation?.(seed, r.violation);
      if (stopAtFirst) break;
    }
    out.ms = Date.now() - started;
    if (progress && out.count % 100 === 0) progress(out);
    if (budget && budget.ms > 0 && out.ms > budget.ms && out.count >= budget.min) break;
  }
  out.ms = Date.now() - started;
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const [first, count, stop, budgetMs, min] = process.argv.slice(2).map(Number);
  void simulateSeeds(first ?? 1, count ?? 100, stop !== 0, undefined, { ms: budgetMs ?? 0, min: min ?? 0 }).then((s) => process.stdout.write(`${JSON.stringify(s)}\n`));
}
