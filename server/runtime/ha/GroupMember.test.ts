// GroupMember's address records (issue #9, defect 3), driven over the simulator's virtual
// coordinator and clock: a demoted master stops advertising its replication address, and a slave
// acts only on an address of the group's current term.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pino } from "pino";
import { GroupMember, type GroupRoleHooks } from "./GroupMember";
import { parseMemberData, type MemberData } from "./memberData";
import { SimNetwork } from "./sim/SimNetwork";
import { SimRandom } from "./sim/SimRandom";
import { SimScheduler, type EventOwner } from "./sim/SimScheduler";
import { VirtualCoordinationClient } from "./sim/VirtualCoordinationClient";
import { VirtualCoordinator } from "./sim/VirtualCoordinator";

const ZK_PATH = "/tandem/test/g";
const TIMEOUT = 2_000;

function world(seed = 7) {
  const sched = new SimScheduler();
  const rnd = new SimRandom(seed);
  const net = new SimNetwork(rnd, () => sched.now);
  const coordinator = new VirtualCoordinator(() => sched.now);
  const tick = (): void => {
    coordinator.tick();
    sched.after(100, tick);
  };
  tick();
  const proc: EventOwner = { alive: true, paused: false, deferred: [] };
  const client = new VirtualCoordinationClient(sched, net, coordinator, "n1", proc, TIMEOUT);
  const calls: string[] = [];
  const hooks: GroupRoleHooks = {
    position: () => 100,
    term: () => 0,
    promote: async (termId) => {
      calls.push(`promote ${termId}`);
      return { replicationAddress: "tcp://n1:62621", clients: ["stomp://n1:61613"], admin: null };
    },
    demote: async (reason) => void calls.push(`demote ${reason}`),
    follow: async (address) => void calls.push(`follow ${address}`),
    unfollow: async () => void calls.push("unfollow"),
  };
  const run = (ms: number): Promise<void> => sched.runUntil(sched.now + ms, () => {});
  const until = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
    const end = sched.now + ms;
    while (!cond()) {
      if (sched.now >= end) assert.fail(`not within ${ms} virtual ms: ${what}`);
      await run(10);
    }
  };
  const member = (replicas: number): GroupMember =>
    new GroupMember({
      client,
      zkPath: ZK_PATH,
      brokerName: "test",
      groupName: "g",
      nodeName: "n1",
      weight: 1,
      replicas,
      hooks,
      logger: pino({ level: "silent" }),
      schedule: (fn, ms) => sched.after(ms, fn, proc),
      now: () => sched.now,
    });
  /** GroupMember.start() needs virtual time to pass: run the clock until it resolves. */
  const start = async (gm: GroupMember): Promise<void> => {
    let done = false;
    let failed: unknown = null;
    gm.start().then(
      () => (done = true),
      (err: unknown) => (failed = err),
    );
    await until(() => done || failed !== null, 5_000, "GroupMember.start");
    if (failed) throw failed;
  };
  /** GroupMember.stop() too. */
  const stop = async (gm: GroupMember): Promise<void> => {
    let done = false;
    gm.stop().then(
      () => (done = true),
      () => (done = true),
    );
    await until(() => done, 5_000, "GroupMember.stop");
  };
  return { sched, net, coordinator, client, calls, run, until, member, start, stop };
}

describe("GroupMember address records (issue #9 defect 3)", () => {
  test("a master demoted because its session was suspended clears its address before it serves again, and each tenure's address carries its term", async () => {
    const w = world();
    // Every write of our member znode, in order.
    const writes: MemberData[] = [];
    const setData = w.coordinator.setData.bind(w.coordinator);
    w.coordinator.setData = (path, data, version) => {
      if (path.startsWith(`${ZK_PATH}/0`)) writes.push(parseMemberData(data)!);
      return setData(path, data, version);
    };
    await w.until(() => w.client.state === "connected", 1_000, "session");
    const gm = w.member(1);
    await w.start(gm);
    await w.until(() => gm.role === "master", 5_000, "elected alone");
    await w.run(200);
    const first = writes.filter((d) => d.address !== null).pop()!;
    assert.equal(first.address, "tcp://n1:62621");
    assert.equal(first.addressTerm, 1);

    // Cut the node from the coordinator until its session is suspended (not expired), then heal.
    w.net.cut("n1", "coordinator");
    await w.until(() => w.client.state === "suspended", TIMEOUT, "suspension");
    assert.equal(gm.role, "slave");
    const demotedAt = writes.length;
    w.net.heal("n1");
    await w.until(() => gm.role === "master", 5_000, "re-elected after the session resumed");
    await w.run(500);
    const after = writes.slice(demotedAt);
    const cleared = after.findIndex((d) => d.address === null);
    const republished = after.findIndex((d) => d.address !== null);
    assert.ok(cleared >= 0, `the demoted master's znode lost its address (writes after demotion: ${JSON.stringify(after)})`);
    assert.ok(cleared < republished, "cleared before the next tenure published its address");
    assert.equal(after[cleared]!.clients?.length, 0);
    assert.equal(after[republished]!.addressTerm, 2, "the new tenure's address carries the new term");
    assert.ok(w.calls.includes("demote coordinator session suspended"));
    await w.stop(gm);
  });

  test("a slave follows the elected master's address only when it belongs to the group's current term", async () => {
    const w = world(11);
    const c = w.coordinator;
    // Another node, older (so it is the elector), elected itself; its record is from term 3 while the
    // group has since claimed term 5 (it was demoted and re-elected and has not republished yet).
    const sid = c.openSession(60_000, () => {});
    c.create(sid, "/tandem", null, "persistent");
    c.create(sid, "/tandem/test", null, "persistent");
    c.create(sid, ZK_PATH, null, "persistent");
    c.create(sid, `${ZK_PATH}/term`, Buffer.from(JSON.stringify({ term: 5, by: "other" })), "persistent");
    const other = (addressTerm: number): Buffer =>
      Buffer.from(
        JSON.stringify({ id: "test", container: "n0", address: "tcp://n0:62621", addressTerm, position: -1, term: addressTerm, weight: 1, elected: "0000000001", clients: [] }),
      );
    const path = c.create(sid, `${ZK_PATH}/0`, other(3), "ephemeral_sequential");
    assert.equal(path, `${ZK_PATH}/00000000001`);
    const keepAlive = (): void => {
      c.touch(sid);
      w.sched.after(500, keepAlive);
    };
    keepAlive();

    await w.until(() => w.client.state === "connected", 1_000, "session");
    const gm = w.member(3);
    await w.start(gm);
    await w.run(3_000);
    assert.equal(gm.role, "slave");
    assert.deepEqual(w.calls.filter((x) => x.startsWith("follow")), [], "no follow of a term-3 address in term 5");
    assert.equal(gm.currentTerm, 5);

    c.setData(path, other(5), -1);
    await w.until(() => w.calls.includes("follow tcp://n0:62621"), 2_000, "follows once the address is the current term's");

    // Refused twice in the current term: the dead master's znode goes (versioned delete).
    gm.followerLost("tcp://n0:62621", true);
    await w.run(200);
    gm.followerLost("tcp://n0:62621", true);
    await w.run(200);
    assert.equal(c.exists(path), null, "the refusing master of the current term was removed");
    await w.stop(gm);
  });

  test("refusals counted against an address of an older term never remove the master's znode", async () => {
    const w = world(13);
    const c = w.coordinator;
    const sid = c.openSession(60_000, () => {});
    for (const p of ["/tandem", "/tandem/test", ZK_PATH]) c.create(sid, p, null, "persistent");
    c.create(sid, `${ZK_PATH}/term`, Buffer.from(JSON.stringify({ term: 4, by: "other" })), "persistent");
    const record = (addressTerm: number): Buffer =>
      Buffer.from(JSON.stringify({ id: "test", container: "n0", address: "tcp://n0:62621", addressTerm, position: -1, term: addressTerm, weight: 1, elected: "0000000001", clients: [] }));
    const path = c.create(sid, `${ZK_PATH}/0`, record(4), "ephemeral_sequential");
    const keepAlive = (): void => {
      c.touch(sid);
      w.sched.after(500, keepAlive);
    };
    keepAlive();
    await w.until(() => w.client.state === "connected", 1_000, "session");
    const gm = w.member(3);
    await w.start(gm);
    await w.until(() => w.calls.includes("follow tcp://n0:62621"), 3_000, "follows the term-4 address");
    // The link to term 4's listener is refused once; meanwhile n0 begins term 6 at the same address.
    gm.followerLost("tcp://n0:62621", true);
    c.setData(`${ZK_PATH}/term`, Buffer.from(JSON.stringify({ term: 6, by: "other" })), -1);
    c.setData(path, record(6), -1);
    await w.run(300);
    // A second refusal is about the new tenure's address: it counts from one again.
    gm.followerLost("tcp://n0:62621", true);
    await w.run(300);
    assert.notEqual(c.exists(path), null, "a master re-elected at the same address is not removed for its old tenure's refusals");
    await w.stop(gm);
  });
});
