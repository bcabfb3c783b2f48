// The chaos soak (issue 9): the external chaos run of e2e/haChaos.test.ts (same driver and
// checker, e2e/support/chaos/) with CHAOS_SOAK_FAULTS faults (default 200) on a real 3-node
// group under stomp.py load. Reports acknowledged / lost / duplicated / longest unavailability /
// failover median and max, per fault kind and in total. A failed run keeps the clients' records
// and prints where. Run alone: node --import tsx bench/chaosSoak.ts  (CHAOS_SOAK_FAULTS, CHAOS_SEED)
import { formatChaosFailure, runChaos } from "../e2e/support/chaos/runChaos";

export interface ChaosSoakRow {
  bench: string;
  result: string;
  target: string;
  met: string;
}

export async function runChaosSoak(): Promise<ChaosSoakRow[]> {
  const faults = Number(process.env.CHAOS_SOAK_FAULTS ?? 200);
  const seed = process.env.CHAOS_SEED === undefined ? undefined : Number(process.env.CHAOS_SEED);
  const r = await runChaos({ faults, seed, onProgress: (line) => console.log(`chaos: ${line}`) });
  console.log(r.table);
  if (!r.verdict.ok) console.log(formatChaosFailure(r));
  const v = r.verdict;
  const ms = (x: number | null): string => (x === null ? "-" : `${x} ms`);
  return [
    {
      bench: `chaos soak: ${r.faults.length} faults (${v.byKind.map((k) => `${k.count} ${k.kind}`).join(", ")}), seed ${r.seed}, ${Math.round(r.durationMs / 60_000)} min`,
      result:
        `acknowledged ${v.acknowledged}, lost ${v.lost.length}, duplicated ${v.duplicates.messages} (${v.duplicates.unexplained.length} unexplained), ` +
        `unexpected exits ${v.unexpectedExits.length}, longest unavailability ${v.longestUnavailability.ms} ms, ` +
        `failover median ${ms(v.failover.medianMs)} max ${ms(v.failover.maxMs)}`,
      target: `lost 0, no unexplained duplicate, no unexpected exit, ${faults} faults`,
      met: v.ok && r.faults.length >= faults ? "yes" : "NO",
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runChaosSoak().then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
