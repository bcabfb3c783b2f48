// Issue #9, defect 1, on real processes: a longer but older log must not win the election.
// A 3-node group; freeze both slaves (SIGSTOP) and pipeline ~8 MB to the master M (nothing can be
// receipted); kill -9 M; resume the slaves: one of them, A, is elected and receipts 200 messages
// (replicated to B) on a queue nobody consumes; kill -9 A; start M. The group is now M (longest
// log, older term) and B (shorter log, later term, holding the 200): B must be elected, and every
// receipted message must be consumable. Electing by position alone picked M, and B truncated the
// 200 acknowledged messages as a "tail the new master never had".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ClusterProcess, waitFor, type LogLine, type NodeHandle } from "./support/clusterProcess";
import { drainQueue, HaProducer, missing } from "./support/haStompClient";

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

function linesOf(node: NodeHandle, msg: string, since = 0): LogLine[] {
  return (node.proc?.logs ?? []).filter((l) => l.msg === msg && (l.time ?? 0) >= since);
}

describe("HA: a stale, longer log loses the election to a later term (issue #9 defect 1)", { timeout: 225_000 }, () => {
  for (const sync of ["quorum_mem", "quorum_disk"] as const) {
    test(`${sync}: no receipted message is lost when the old master with the longest log returns`, { timeout: 110_000 }, async (t) => {
      let cluster: ClusterProcess | undefined;
      const producers: HaProducer[] = [];
      const frozen: number[] = [];
      try {
        // A session long enough that the frozen slaves keep theirs: this is about logs, not liveness.
        cluster = await ClusterProcess.start({ nodes: 3, sync, zkSessionTimeout: "6s" });
        const m = await cluster.waitForMaster(30_000);
        const slaves = cluster.nodes.filter((n) => n.name !== m.name);
        await waitFor(() => slaves.every((n) => linesOf(n, "replicating from master").length > 0), 20_000, () => "slaves did not attach");
        const queue = "/queue/ha.stale-longer-log";
        const p1 = await HaProducer.connect(m.stompPort, queue);
        producers.push(p1);
        assert.equal(await p1.sendSequential(range("before", 20)), 20);

        // Freeze both slaves; the master journals a burst none of them receives.
        for (const s of slaves) frozen.push(cluster.pid(s.name)!);
        for (const pid of frozen) process.kill(pid, "SIGSTOP");
        const burstAt = Date.now();
        const pad = "x".repeat(4096);
        const burst = p1.sendPipelined(range("stale", 2000).map((b) => `${b}:${pad}`));
        burst.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
        let held = -1;
        await waitFor(
          () => {
            const lines = (m.proc?.logs ?? []).filter((l) => String(l.msg).startsWith("Store update waiting") && (l.time ?? 0) >= burstAt);
            const n = lines.length;
            if (n > 0 && lines[n - 1].waiting === 2000) held = 2000;
            else if (n >= 2 && lines[n - 1].waiting === lines[n - 2].waiting) held = Number(lines[n - 1].waiting);
            else if (n > 0 && linesOf(m, "stopped serving clients", burstAt).length > 0) held = Number(lines[n - 1].waiting);
            return held >= 0;
          },
          30_000,
          () => `${m.name} never reported a stable count of held receipts`,
        );
        t.diagnostic(`${m.name} journaled ${held} messages it cannot receipt`);
        await cluster.kill9(m.name);
        for (const pid of frozen.splice(0)) process.kill(pid, "SIGCONT");
        assert.equal(await burst, 0, "nothing of the burst was receipted");

        const a = await cluster.waitForMaster(45_000, m.name);
        const [b] = slaves.filter((n) => n.name !== a.name);
        await waitFor(() => linesOf(b, "replicating from master", burstAt).length > 0, 20_000, () => `${b.name} did not follow ${a.name}`);
        const p2 = await HaProducer.connect(a.stompPort, queue);
        producers.push(p2);
        assert.equal(await p2.sendSequential(range("acked", 200)), 200, `${a.name} receipted 200 messages`);

        const killedAt = Date.now();
        await cluster.kill9(a.name);
        await cluster.startNode(m.name);
        const next = await cluster.waitForMaster(40_000, a.name);
        const election = cluster.nodes
          .flatMap((n) => (n.proc?.logs ?? []).filter((l) => String(l.msg).startsWith("elector:") && l.elected && (l.time ?? 0) >= killedAt))
          .map((l) => String(l.msg));
        t.diagnostic(`${a.name} killed, ${m.name} restarted; ${next.name} elected (${election.join(" | ")})`);
        assert.equal(next.name, b.name, `${b.name} (later term) is elected, not ${m.name} (longer, older log)`);
        assert.deepEqual(linesOf(b, "truncating a divergent log tail that the master's log does not have", killedAt), [], `${b.name} truncates nothing`);

        const acked = [...p1.acked, ...p2.acked];
        const consumed = await drainQueue(next.stompPort, queue, acked, { timeoutMs: 40_000 });
        assert.deepEqual(missing(acked, consumed), [], "every receipted message is consumable");
        // The restarted old master follows and drops its stale tail.
        await waitFor(() => linesOf(m, "replicating from master", killedAt).length > 0, 30_000, () => `${m.name} did not rejoin as a slave`);
        const cut = linesOf(m, "truncating a divergent log tail that the master's log does not have", killedAt);
        t.diagnostic(`${m.name} truncated ${cut.map((l) => `${String(l.bytes)} bytes of term ${String(l.tailTerm)} (master's term ${String(l.masterTerm)})`).join(", ") || "nothing"}`);
      } catch (err) {
        // What each node last said about its role and the election, to tell why.
        for (const n of cluster?.nodes ?? []) {
          const lines = (n.proc?.logs ?? []).filter((l) => /role|elector|promot|stopped serving|term|refus|session/.test(String(l.msg))).slice(-12);
          for (const l of lines) t.diagnostic(`${n.name}: ${JSON.stringify(l)}`);
        }
        throw err;
      } finally {
        for (const pid of frozen) process.kill(pid, "SIGCONT");
        for (const p of producers) p.close();
        await cluster?.stop();
      }
    });
  }
});
