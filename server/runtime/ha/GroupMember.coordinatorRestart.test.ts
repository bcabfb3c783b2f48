// GroupMember across a restart of the coordinator (issue 9 defect 4): the master demotes itself
// while its session is suspended and re-promotes as soon as it resumes, and a slave whose
// reconnects to the master's (closed) replication port are refused right after its own session
// resumes does not take that as "the master's process is gone" and delete its member znode —
// the master lost the coordinator too. Real coordinator and clients in-process; the node's
// serving is replaced by hooks that record what they are asked to do.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pino } from "pino";
import { CoordinatorServer } from "../coordinator/CoordinatorServer";
import { CoordinationClient } from "../zk/CoordinationClient";
import { GroupMember, type GroupRoleHooks } from "./GroupMember";

const logger = pino({ level: process.env.TANDEM_TEST_LOG ?? "silent" });
const ADDRESS = "tcp://127.0.0.1:9";

function recordingHooks(): GroupRoleHooks & { promotions: number; demotions: string[]; followed: string[] } {
  const h = {
    promotions: 0,
    demotions: [] as string[],
    followed: [] as string[],
    position: () => 0,
    term: () => 0,
    promote: async () => {
      h.promotions++;
      return { replicationAddress: ADDRESS, clients: [], admin: null };
    },
    demote: async (reason: string) => {
      h.demotions.push(reason);
    },
    follow: async (address: string) => {
      h.followed.push(address);
    },
    unfollow: async () => undefined,
  };
  return h;
}

async function waitFor(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("coordinator restart: the master re-promotes under the same member znode; refusals right after the slave resumes do not remove it", { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "tandem-gm-restart-"));
  let server: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: 100 });
  const port = server.address().port;
  const connect = (): Promise<CoordinationClient> => CoordinationClient.connect({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: 2000, logger });
  const cA = await connect();
  const cB = await connect();
  const hA = recordingHooks();
  const hB = recordingHooks();
  const common = { zkPath: "/tandem/t/g1", brokerName: "t", groupName: "g1", weight: 1, replicas: 2, logger };
  const gA = new GroupMember({ ...common, client: cA, nodeName: "A", hooks: hA });
  const gB = new GroupMember({ ...common, client: cB, nodeName: "B", hooks: hB });
  try {
    await gA.start();
    await gB.start();
    await waitFor("A master, B following it", () => gA.role === "master" && hB.followed.includes(ADDRESS));
    const eidA = gA.eid;
    assert.equal(hA.promotions, 1);

    await server.stop();
    server = null;
    await waitFor("A demoted while its session is suspended", () => gA.role === "slave" && hA.demotions.length === 1);
    assert.match(hA.demotions[0]!, /suspended/);

    // What the node does when its replication link to the demoted master is refused: at once,
    // twice, as soon as B's session is back (B's own state listener runs first).
    cB.on("state", (s) => {
      if (s !== "connected") return;
      gB.followerLost(ADDRESS, true);
      gB.followerLost(ADDRESS, true);
    });
    server = await CoordinatorServer.start({ host: "127.0.0.1", port, dataDir: dir, logger, tickTime: 100 });
    await waitFor("A master again", () => gA.role === "master" && hA.promotions >= 2);
    // Give a wrongful deletion time to land and be noticed before checking nothing happened.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(gA.eid, eidA, "A kept its member znode (not removed as a dead master, no rejoin)");
    assert.equal(gA.role, "master");
    assert.equal(hA.promotions, 2, "one re-promotion, no churn");
    assert.equal((await cB.exists(`/tandem/t/g1/0${eidA}`))?.ephemeralOwner, cA.sessionIdHex);
  } finally {
    await gB.stop();
    await gA.stop();
    await cB.close();
    await cA.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
