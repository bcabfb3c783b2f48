// The HA group's election on a real Apache ZooKeeper 3.8 ensemble (three JVMs, tickTime 500)
// instead of Tandem's coordinator: the same broker processes, only `zkAddress` differs (DESIGN.md
// "Coordinator"). ZooKeeper clamps sessions to >= 2 x tickTime, so the 2 s requested is honoured.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { run, ZKCLI } from "./coordinatorHarness";
import { ClusterProcess, waitFor, type LogLine } from "./support/clusterProcess";
import { drainQueue, HaProducer, missing, tally } from "./support/haStompClient";
import { ZookeeperEnsemble } from "./support/zookeeperEnsemble";

const GROUP_PATH = "/tandem/test/group1";
const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** One JVM per call: commands go to the interactive shell through stdin. */
async function zkCli(port: number, commands: string[]): Promise<string> {
  const r = await run("sh", ["-c", `exec ${ZKCLI} -server 127.0.0.1:${port} 2>&1`], [...commands, "quit", ""].join("\n"), 45_000);
  return r.stdout;
}

interface ServingEvent {
  node: string;
  time: number;
  serving: boolean;
  what: string;
}

describe("HA election on a real ZooKeeper 3.8 ensemble", { timeout: 170_000 }, () => {
  let ensemble: ZookeeperEnsemble | undefined;
  let cluster: ClusterProcess | undefined;
  const producers: HaProducer[] = [];
  /** Every start/stop of serving on any node, from the nodes' own log timestamps (same host clock). */
  const events: ServingEvent[] = [];

  before(async () => {
    ensemble = await ZookeeperEnsemble.start({ size: 3, tickTimeMs: 500 });
    cluster = await ClusterProcess.start({ nodes: 3, zkAddress: ensemble.connectString, zkSessionTimeout: "2s" });
    // Nodes log before onLog can be attached: take what is already there, then follow.
    const record = (node: string, l: LogLine): void => {
      if (l.msg === "promoted to master" || l.msg === "stopped serving clients") {
        events.push({ node, time: l.time ?? 0, serving: l.msg === "promoted to master", what: String(l.msg) });
      }
    };
    for (const n of cluster.nodes) for (const l of n.proc?.logs ?? []) record(n.name, l);
    cluster.onLog(record);
  });

  after(async () => {
    for (const p of producers) p.close();
    await cluster?.stop();
    await ensemble?.stop();
  });

  async function kill9(name: string): Promise<void> {
    await cluster!.kill9(name);
    // A dead process serves nobody: its interval ends no later than now.
    events.push({ node: name, time: Date.now(), serving: false, what: "kill -9" });
  }

  /** Sweeps the serving intervals: never two nodes serving at the same moment. */
  function assertNeverTwoMasters(): void {
    const sorted = [...events].sort((a, b) => a.time - b.time || Number(a.serving) - Number(b.serving));
    const serving = new Set<string>();
    for (const e of sorted) {
      if (e.serving) serving.add(e.node);
      else serving.delete(e.node);
      assert.ok(serving.size <= 1, `two masters at ${e.time}: ${[...serving].join(", ")} (${JSON.stringify(sorted)})`);
    }
  }

  test("a master is elected and the member znodes read with zkCli look like seed 000 §3.2", async () => {
    const master = await cluster!.waitForMaster(30_000);
    const port = ensemble!.clientPort(0);
    let names: string[] = [];
    // Slaves publish position -1 once they follow; wait until all three do (bounded).
    let out = "";
    for (let attempt = 0; attempt < 10; attempt++) {
      const ls = await zkCli(port, [`ls ${GROUP_PATH}`]);
      // Members, and the group's persistent term znode (`term`) beside them.
      const children = (/\[([\w, ]*)\]/.exec(ls)?.[1] ?? "").split(", ").filter(Boolean);
      assert.ok(children.includes("term"), `the term znode under ${GROUP_PATH}: ${ls}`);
      names = children.filter((n) => /^0\d{10}$/.test(n)).sort();
      assert.equal(names.length, 3, `three member znodes under ${GROUP_PATH}: ${ls}`);
      out = await zkCli(port, names.map((n) => `get -s ${GROUP_PATH}/${n}`));
      if ((out.match(/"position":-1/g) ?? []).length === 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const datas = [...out.matchAll(/^(\{"id".*\})$/gm)].map((m) => m[1]);
    assert.equal(datas.length, 3, `three member data lines: ${out}`);
    const parsed = datas.map((d) => JSON.parse(d) as Record<string, unknown>);
    for (const d of parsed) {
      // Jackson's field order in ActiveMQ's znodes; Tandem appends its own fields after them.
      assert.deepEqual(Object.keys(d).slice(0, 6), ["id", "container", "address", "position", "weight", "elected"]);
      assert.equal(d.id, "test", "id is the brokerName");
      assert.equal(d.weight, 1);
      assert.equal(d.position, -1, "every member follows (or is) the master");
    }
    assert.equal((out.match(/ephemeralOwner = 0x0\n/g) ?? []).length, 0, "member znodes are ephemeral");
    // The elector (lowest member) names the master; only the master publishes a replication address.
    const elector = parsed[0];
    const masterData = parsed.find((d) => d.container === master.name);
    assert.ok(masterData, `a znode for ${master.name}: ${datas.join("\n")}`);
    assert.equal(masterData.address, `tcp://127.0.0.1:${master.replPort}`);
    assert.equal(`0${String(elector.elected)}`, names[parsed.indexOf(masterData)], "elected holds the master's eid");
    for (const d of parsed) if (d !== masterData) assert.equal(d.address, null, "a slave publishes no address");
    for (const d of parsed.slice(1)) assert.equal(d.elected, null, "only the elector writes elected");
  });

  test("kill -9 of the master, then of the ZooKeeper leader: always at most one master, nothing acknowledged lost", async (t) => {
    const c = cluster!;
    const queue = "/queue/ha.realzk";
    const m1 = await c.waitForMaster(30_000);
    const p1 = await HaProducer.connect(m1.stompPort, queue);
    producers.push(p1);
    assert.equal(await p1.sendSequential(range("a", 30)), 30);

    await kill9(m1.name);
    const m2 = await c.waitForMaster(30_000, m1.name);
    const p2 = await HaProducer.connect(m2.stompPort, queue);
    producers.push(p2);
    assert.equal(await p2.sendSequential(range("b", 30)), 30);
    await c.startNode(m1.name);
    await waitFor(() => (c.node(m1.name).proc?.logs ?? []).some((l) => l.msg === "replicating from master"), 30_000, () => `${m1.name} did not rejoin`);

    // Keep producing while the ensemble loses its leader.
    let stop = false;
    let i = 0;
    const during = (async (): Promise<void> => {
      while (!stop && p2.isOpen && i < 100_000) await p2.send(`c-${i++}`);
    })();
    during.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
    await new Promise((r) => setTimeout(r, 200));
    const leader = await ensemble!.leader();
    assert.ok(leader >= 0, "the ensemble has a leader");
    const leaderKilledAt = Date.now();
    await ensemble!.kill(leader);

    // The group keeps or regains exactly one master once ZooKeeper has a quorum again. The members
    // reconnect (or find their sessions expired) at their own pace: take the master once no role
    // has changed for 3 s, not one seen a fixed second after the quorum, which may still step down.
    await ensemble!.waitForQuorum(60_000);
    const m3 = await c.waitForSettledMaster(45_000, 3_000);
    stop = true;
    await during;
    const churn = events.filter((e) => e.time >= leaderKilledAt).map((e) => `${e.node} ${e.what} +${e.time - leaderKilledAt} ms`);
    t.diagnostic(`after the leader kill: ${churn.join("; ") || "no role change"}`);
    assertNeverTwoMasters();

    const p3 = await HaProducer.connect(m3.stompPort, queue);
    producers.push(p3);
    assert.equal(await p3.sendSequential(range("d", 20)), 20, "the group serves after the leader change");
    const acked = [...p1.acked, ...p2.acked, ...p3.acked];
    const consumed = await drainQueue(m3.stompPort, queue, acked);
    const dups = [...tally(consumed).values()].filter((n) => n > 1).length;
    t.diagnostic(`${acked.length} acknowledged, ${consumed.length} consumed on ${m3.name}, ${dups} duplicated`);
    assert.deepEqual(missing(acked, consumed), [], `every acknowledged message is on ${m3.name}`);
    assertNeverTwoMasters();
  });
});
