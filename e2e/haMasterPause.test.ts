// Issue 9, defect 2: a master that is paused (GC pause, SIGSTOP, overloaded host) longer than its
// coordinator session must wake up demoted, not dead. It used to exit with "unhandled rejection:
// exiting" / "no longer master: coordinator session suspended" (8 times in 22 SIGSTOPs): receipts
// held when it froze were failed all at once and some had no handler yet.
//
// A 3-node group (quorum_mem, 2 s sessions) under pipelined load from Tandem's failover client;
// PAUSES times (default 6): SIGSTOP the master for longer than the session timeout, wait for the
// group to elect another, SIGCONT. The woken node must still run, log why it stopped serving, and
// rejoin as a slave; the producers carry on at the new master; nothing receipted is lost.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ClusterProcess, waitFor, type LogLine, type NodeHandle } from "./support/clusterProcess";
import { HaLoad } from "./support/haLoad";
import { roleLogTail } from "./support/haLoadKillLoop";

const PAUSES = Number(process.env.PAUSES ?? 6);
/** Session timeout 2 s (cluster default of the harness): the pause outlasts it comfortably. */
const PAUSE_MS = 4_500;

let cluster: ClusterProcess;
let load: HaLoad | undefined;
const frozen = new Set<number>();

before(async () => {
  cluster = await ClusterProcess.start({ nodes: 3, sync: "quorum_mem" });
  await cluster.waitForMaster(30_000);
});

after(async () => {
  for (const pid of frozen) process.kill(pid, "SIGCONT");
  await load?.close();
  await cluster?.stop();
});

const since = (n: NodeHandle, t: number, msg: string): LogLine[] => (n.proc?.logs ?? []).filter((l) => l.msg === msg && (l.time ?? 0) >= t);

test(`${PAUSES} SIGSTOPs of the master past its session timeout: it wakes demoted and alive, clients carry on`, { timeout: 40_000 + PAUSES * 25_000 }, async (t) => {
  load = await HaLoad.start({
    producerUris: [`failover:(${cluster.stompAddresses().join(",")})`],
    consumerUris: [`failover:(${cluster.stompAddresses().join(",")})`],
    producers: 2,
    consumers: 1,
    queue: "/queue/ha.pause",
    // Many receipts in flight: a pause always catches some held by the gate.
    window: 16,
    pauseMs: 2,
    bodyBytes: 200,
  });
  try {
    for (let i = 0; i < PAUSES; i++) {
      const master = await cluster.waitForSettledMaster(60_000, 1_500);
      await load.progress(200, 30_000);
      const pid = cluster.pid(master.name)!;
      const t0 = Date.now();
      load.kills.push(t0);
      process.kill(pid, "SIGSTOP");
      frozen.add(pid);
      const next = await cluster.waitForMaster(30_000, master.name);
      // Stay frozen past the session timeout however fast the election was.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + PAUSE_MS - Date.now())));
      const woke = Date.now();
      process.kill(pid, "SIGCONT");
      frozen.delete(pid);

      // The woken master notices its session is gone, says why it stopped serving, and rejoins as a slave.
      await waitFor(
        () => since(master, woke, "stopped serving clients").length > 0 || master.proc!.child.exitCode !== null,
        20_000,
        () => `${master.name} did not log its demotion after waking`,
      );
      await waitFor(
        () => since(master, woke, "replicating from master").length > 0 || master.proc!.child.exitCode !== null,
        30_000,
        () => `${master.name} did not rejoin ${next.name} as a slave`,
      );
      const proc = master.proc!.child;
      assert.equal(proc.exitCode, null, `${master.name} exited after waking: ${fatalLines(master)}\nstderr: ${master.proc!.stderr.slice(-2000)}`);
      assert.equal(proc.signalCode, null);
      const demotion = since(master, woke, "stopped serving clients")[0]!;
      assert.match(String(demotion.reason), /coordinator session|member znode lost|another member was elected|quorum lost/, "the demotion says why");
      // The producers continue on the new master.
      await load.progress(200, 30_000);
      t.diagnostic(`pause ${i + 1}: ${master.name} frozen ${woke - t0} ms, ${next.name} elected; woken node demoted ("${String(demotion.reason)}") and rejoined`);
    }
    await load.stopProducers();
    await load.drain(30_000);
    const v = load.verdict();
    const s = load.stats();
    t.diagnostic(`sent=${v.sent} receipted=${v.receipted} consumed=${v.consumed} lost=${v.lost.length} duplicated=${v.duplicatedMessages} resent=${s.resentSends} reconnects=${s.reconnects}`);
    for (const n of cluster.nodes) assert.equal(fatalLines(n), "", `${n.name} logged a fatal error: ${n.proc?.stderr.slice(-2000)}`);
    assert.deepEqual(s.sendErrors, [], "no send may fail: they wait for the next master");
    assert.equal(v.receipted, v.sent, "every send got its receipt in the end");
    assert.deepEqual(v.lost.slice(0, 20), [], `${v.lost.length} receipted messages were never consumed`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${roleLogTail(cluster)}`, { cause: err });
  }
});

function fatalLines(n: NodeHandle): string {
  const fatal = (n.proc?.logs ?? []).filter((l) => Number(l.level) >= 60);
  return fatal.map((l) => JSON.stringify(l)).join("\n");
}
