// The kill loop of e2e/haFailoverKillLoop.test.ts, for as long as you like, by hand:
//   KILLS=200 node --import tsx e2e/support/haSoak.ts
// Options (env): KILLS (200), PRODUCERS (3), CONSUMERS (3), WINDOW (8), PAUSE_MS (4), SYNC (quorum_mem).
// Prints one line per kill and a JSON verdict; exits 1 if a receipted message was lost, a send
// failed, or a duplicate did not straddle a kill.
import { ClusterProcess } from "./clusterProcess";
import { HaLoad } from "./haLoad";
import { runKillLoop } from "./haLoadKillLoop";

async function main(): Promise<void> {
  const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
  const kills = env("KILLS", 200);
  const cluster = await ClusterProcess.start({ nodes: 3, sync: process.env.SYNC ?? "quorum_mem" });
  let load: HaLoad | undefined;
  try {
    await cluster.waitForMaster();
    const failover = `failover:(${cluster.stompAddresses().join(",")})`;
    load = await HaLoad.start({
      producerUris: [failover],
      consumerUris: [failover, `discovery:zk://${cluster.zkAddress}/tandem/test/group1`],
      producers: env("PRODUCERS", 3),
      consumers: env("CONSUMERS", 3),
      queue: "/queue/ha.soak",
      window: env("WINDOW", 8),
      pauseMs: env("PAUSE_MS", 4),
      bodyBytes: 200,
    });
    const started = Date.now();
    const records = await runKillLoop(cluster, load, {
      kills,
      receiptsBetweenKills: 100,
      onKill: (k, i) => console.log(`kill ${i + 1}/${kills}: ${k.victim} -> ${k.newMaster} election ${k.electionMs} ms, cycle ${k.cycleMs} ms`),
    });
    await load.progress(100, 30_000);
    await load.stopProducers();
    await load.drain(60_000);
    const v = load.verdict();
    const s = load.stats();
    const elections = records.map((r) => r.electionMs).sort((a, b) => a - b);
    const report = {
      kills: records.length,
      minutes: +((Date.now() - started) / 60_000).toFixed(1),
      electionMsMedian: elections[Math.floor(elections.length / 2)],
      electionMsMax: elections[elections.length - 1],
      sent: v.sent,
      receipted: v.receipted,
      consumed: v.consumed,
      lost: v.lost.length,
      duplicatedMessages: v.duplicatedMessages,
      extraDeliveries: v.extraDeliveries,
      unexplainedDuplicates: v.unexplainedDuplicates.length,
      unknown: v.unknown.length,
      resentSends: s.resentSends,
      reconnects: s.reconnects,
      staleAcks: s.staleAcks,
      sendErrors: s.sendErrors.length,
      firstLost: v.lost.slice(0, 10),
      firstSendErrors: s.sendErrors.slice(0, 5),
    };
    console.log(JSON.stringify(report, null, 2));
    const ok = v.lost.length === 0 && s.sendErrors.length === 0 && v.unexplainedDuplicates.length === 0 && v.unknown.length === 0;
    process.exitCode = ok ? 0 : 1;
  } finally {
    await load?.close();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
