// Issue 5, "Clients across failover": a 3-node group (quorum_mem) under continuous load from
// Tandem's failover client — producers with receipts, consumers with client-individual acks — while
// the master is killed with SIGKILL again and again (KILLS, default 20), each victim restarted so
// the group stays at three. Every receipted message must be consumed at least once; duplicates
// are counted and must each straddle a kill. Bounded: ≈3 s per kill on 2 cores.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ClusterProcess } from "./support/clusterProcess";
import { HaLoad } from "./support/haLoad";
import { runKillLoop } from "./support/haLoadKillLoop";

const KILLS = Number(process.env.KILLS ?? 20);

let cluster: ClusterProcess;
let load: HaLoad | undefined;

before(async () => {
  cluster = await ClusterProcess.start({ nodes: 3, sync: "quorum_mem" });
  await cluster.waitForMaster();
});

after(async () => {
  await load?.close();
  await cluster?.stop();
});

test(`${KILLS} kill -9 of the master under load: nothing receipted is lost`, { timeout: 60_000 + KILLS * 12_000 }, async () => {
  const failover = `failover:(${cluster.stompAddresses().join(",")})`;
  const discovery = `discovery:zk://${cluster.zkAddress}/tandem/test/group1`;
  load = await HaLoad.start({
    producerUris: [failover],
    // One consumer finds the master through the coordinator, the others use the static list.
    consumerUris: [failover, discovery],
    producers: 3,
    consumers: 3,
    queue: "/queue/ha.killloop",
    window: 8,
    pauseMs: 4,
    bodyBytes: 200,
  });
  const started = Date.now();
  const kills = await runKillLoop(cluster, load, {
    kills: KILLS,
    receiptsBetweenKills: 100,
    onKill: (k, i) => console.log(`# kill ${i + 1}: ${k.victim} -> ${k.newMaster} election ${k.electionMs} ms, cycle ${k.cycleMs} ms`),
  });
  await load.progress(100, 30_000); // the last master serves too
  await load.stopProducers();
  await load.drain(30_000);
  const v = load.verdict();
  const s = load.stats();
  const perKill = Math.round((Date.now() - started) / KILLS);
  console.log(
    `# kills=${kills.length} per-kill=${perKill} ms sent=${v.sent} receipted=${v.receipted} consumed=${v.consumed} lost=${v.lost.length} ` +
      `duplicated=${v.duplicatedMessages} (extra deliveries ${v.extraDeliveries}) resent=${s.resentSends} reconnects=${s.reconnects} staleAcks=${s.staleAcks}`,
  );
  assert.equal(kills.length, KILLS);
  assert.deepEqual(s.sendErrors, [], "no send may fail: they wait for the next master");
  assert.equal(v.receipted, v.sent, "every send got its receipt in the end");
  assert.deepEqual(v.lost.slice(0, 20), [], `${v.lost.length} receipted messages were never consumed`);
  assert.deepEqual(v.unknown, []);
  const detail = (id: string): string => `${id} ${JSON.stringify(load!.records.get(id))}`;
  assert.deepEqual(
    v.unexplainedDuplicates.slice(0, 5).map(detail),
    [],
    `duplicates must be messages in flight at a kill (kills at ${JSON.stringify(load.kills)})`,
  );
  assert.ok(s.reconnects >= KILLS * 6 * 0.9, `every client fails over at each kill (reconnects ${s.reconnects})`);
});
