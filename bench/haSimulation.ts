/**
 * Soak run of the deterministic HA fault simulator (server/runtime/ha/sim): many seeds from a
 * random start (printed), every violating seed reported with its replay command.
 *   node --import tsx bench/haSimulation.ts [schedules=5000] [firstSeed=random]
 *   SIM_SEED=1234 node --import tsx bench/haSimulation.ts   one seed, with its fault schedule and trace
 */
import { describeFailure, runSchedule } from "../server/runtime/ha/sim/runSchedule";
import { simulateSeeds } from "../server/runtime/ha/sim/simulateSeeds";

async function main(): Promise<void> {
  const one = process.env.SIM_SEED;
  if (one) {
    // One seed: its fault schedule and the nodes' last log lines, whatever the outcome.
    const r = await runSchedule({ seed: Number(one) });
    console.log(describeFailure(r, "server/runtime/ha/sim/haSimulation.test.ts"));
    if (r.violation) process.exitCode = 1;
    return;
  }
  const count = one ? 1 : Number(process.argv[2] ?? 5000);
  const first = one ? Number(one) : Number(process.argv[3] ?? 1 + Math.floor(Math.random() * 1e9));
  console.log(`HA simulation: ${count} schedule(s) from seed ${first}`);
  const s = await simulateSeeds(first, count, false, (p) =>
    console.log(`${p.count} schedules, ${p.events} events, ${p.acked} acknowledged writes, ${p.violations.length} violating, ${p.unsettled.length} unsettled, ${(p.ms / 1000).toFixed(1)} s`),
    undefined,
    (seed, violation) => console.log(`seed ${seed}: ${violation}`),
  );
  if (one) for (const u of s.unsettled) console.log(`seed ${u.seed}: ${u.liveness}`);
  console.log(
    `${s.count} schedules in ${(s.ms / 1000).toFixed(1)} s (${((s.count * 1000) / Math.max(1, s.ms)).toFixed(1)}/s): ` +
      `${s.violations.length} violated safety${s.violations.length ? ` (first after ${s.foundAfter}: seeds ${s.violations.map((v) => v.seed).join(", ")})` : ""}, ` +
      `${s.unsettled.length} without a single master after healing, ${s.acked} acknowledged writes checked, ${s.lateReceipts} late receipts from superseded masters, ${s.stalePromotions} promotions finished in a superseded term`,
  );
  if (s.violations.length > 0) process.exitCode = 1;
}

void main();
