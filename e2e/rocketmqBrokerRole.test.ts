// brokerRole against real processes: broker-a is SYNC_MASTER + SYNC_FLUSH (seed 002), broker-b
// ASYNC_MASTER + ASYNC_FLUSH, two nodes each. With each group's slave frozen (SIGSTOP, for less
// than the session timeout: a 2-node group's master steps down once its slave's session expires,
// as it no longer has a quorum), the SYNC_MASTER answers FLUSH_SLAVE_TIMEOUT after
// syncFlushTimeout instead of SEND_OK, while the ASYNC_MASTER keeps answering SEND_OK. The FLUSH_SLAVE_TIMEOUT messages are stored anyway (as
// RocketMQ does) and are consumed once the slave is back and has them. With each group's slave
// killed (kill -9: its replication link closes at once, its session lives on until it expires), the
// SYNC_MASTER has no slave to wait for and answers SLAVE_NOT_AVAILABLE at once — ali-ons reports
// SendStatus SLAVE_NOT_AVAILABLE — while the ASYNC_MASTER answers SEND_OK; once the slave is
// restarted and has caught up, the SLAVE_NOT_AVAILABLE messages are consumable.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Message } from "ali-ons";
import { closeAll, producer } from "./support/aliOnsClients";
import { waitFor } from "./support/clusterProcess";
import { RawRemotingClient } from "./support/RawRemotingClient";
import { RocketMqCluster, type RmqNode } from "./support/rocketmqCluster";
import { RequestCode, ResponseCode } from "../server/runtime/rocketmq/remotingCodes";

const TOPIC = "RoleTopic";
let cluster: RocketMqCluster;
const frozen: string[] = [];

before(async () => {
  cluster = await RocketMqCluster.start({
    nodesPerGroup: 2,
    rocketmq: { syncFlushTimeout: "1s" },
    // The coordinator's largest grant (20 x its 1 s tick): the frozen window stays well inside it,
    // and a killed slave's session (so its group's quorum) outlives the sends made meanwhile.
    tickTime: 1000,
    cluster: { zkSessionTimeout: "20s" },
    groupOverrides: { "broker-b": { brokerRole: "ASYNC_MASTER", flushDiskType: "ASYNC_FLUSH" } },
  });
});

after(async () => {
  for (const n of frozen) cluster?.signal(n, "SIGCONT");
  await cluster?.stop();
});

const addr = (n: RmqNode): string => `127.0.0.1:${n.listenPort}`;

function slaveOf(master: RmqNode): RmqNode {
  return cluster.nodes.find((n) => n.group === master.group && n.name !== master.name)!;
}

/** Retries `ok` until it holds or `ms` pass (each try may itself take syncFlushTimeout). */
async function until(ok: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(what);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function send(c: RawRemotingClient, body: string, topic = TOPIC): Promise<number> {
  const r = await c.request(RequestCode.SEND_MESSAGE_V2, { a: "pg-role", b: topic, e: 0, g: Date.now(), i: "" }, Buffer.from(body));
  return r.code;
}

test("SYNC_MASTER answers FLUSH_SLAVE_TIMEOUT while its slave is frozen, ASYNC_MASTER answers SEND_OK; nothing stored is lost", { timeout: 170_000 }, async () => {
  const a = await cluster.master("broker-a");
  const b = await cluster.master("broker-b");
  const ca = await RawRemotingClient.connect(addr(a));
  const cb = await RawRemotingClient.connect(addr(b));
  try {
    for (const c of [ca, cb]) assert.equal((await c.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: TOPIC, readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
    // Both slaves connected and following: SEND_OK from both roles.
    let sentA = 0;
    await until(async () => (sentA++, (await send(ca, `a-warmup-${sentA}`)) === ResponseCode.SUCCESS), 60_000, "broker-a's slave never acknowledged");
    assert.equal(await send(cb, "b-0"), ResponseCode.SUCCESS);

    for (const m of [a, b]) {
      const s = slaveOf(m);
      cluster.signal(s.name, "SIGSTOP");
      frozen.push(s.name);
    }
    const codesA: number[] = [];
    const codesB: number[] = [];
    for (let i = 1; i <= 3; i++) {
      codesB.push(await send(cb, `b-${i}`));
      codesA.push(await send(ca, `a-${i}`));
      sentA++;
    }
    assert.deepEqual(codesB, [ResponseCode.SUCCESS, ResponseCode.SUCCESS, ResponseCode.SUCCESS], "ASYNC_MASTER does not wait for its slave");
    assert.deepEqual(codesA, [ResponseCode.FLUSH_SLAVE_TIMEOUT, ResponseCode.FLUSH_SLAVE_TIMEOUT, ResponseCode.FLUSH_SLAVE_TIMEOUT], "SYNC_MASTER: not SEND_OK without its slave");

    for (const n of frozen.splice(0)) cluster.signal(n, "SIGCONT");
    // The slave comes back (rejoining if its session expired meanwhile) and SEND_OK returns.
    await until(async () => (sentA++, (await send(ca, `a-after-${sentA}`)) === ResponseCode.SUCCESS), 90_000, "broker-a never answered SEND_OK again after its slave was thawed");
    assert.equal(await cluster.master("broker-a"), a, "the master stayed master throughout");

    // Every message broker-a stored — FLUSH_SLAVE_TIMEOUT ones included — is consumable.
    const pulled = await ca.request(RequestCode.PULL_MESSAGE, { consumerGroup: "cg-role", topic: TOPIC, queueId: 0, queueOffset: 0, maxMsgNums: 256, sysFlag: 0, subscription: "*" });
    assert.equal(pulled.code, ResponseCode.SUCCESS);
    assert.equal(Number(pulled.extFields.maxOffset), sentA, `broker-a holds all ${sentA} sends`);
    for (let i = 1; i <= 3; i++) assert.ok(pulled.body?.includes(Buffer.from(`a-${i}`)), `a-${i} (answered FLUSH_SLAVE_TIMEOUT) was stored`);
  } finally {
    ca.close();
    cb.close();
  }
});

test("SYNC_MASTER answers SLAVE_NOT_AVAILABLE at once while its slave is dead (ali-ons: SendStatus SLAVE_NOT_AVAILABLE), ASYNC_MASTER SEND_OK; the messages are kept", { timeout: 170_000 }, async () => {
  const NA_TOPIC = "SlaveGoneTopic";
  const a = await cluster.master("broker-a");
  const b = await cluster.master("broker-b");
  const ca = await RawRemotingClient.connect(addr(a));
  const cb = await RawRemotingClient.connect(addr(b));
  // The producer asks the masters' NameServers only: the slaves' go down with them.
  const p = producer([a, b].map((n) => `127.0.0.1:${n.namesrvPort}`), "pg-slave-gone", "prod-na");
  try {
    // The topic lives on broker-a only, so the producer's sends all go to the SYNC_MASTER.
    assert.equal((await ca.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: NA_TOPIC, readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
    let warm = 0;
    await until(async () => (warm++, (await send(ca, `na-warmup-${warm}`, NA_TOPIC)) === ResponseCode.SUCCESS), 90_000, "broker-a's slave never acknowledged");
    await p.ready();
    let viaClient = 0;
    await until(async () => {
      try {
        viaClient++;
        return (await p.send(new Message(NA_TOPIC, "x", `client-warmup-${viaClient}`))).sendStatus === "SEND_OK";
      } catch {
        return false;
      }
    }, 60_000, "ali-ons never got SEND_OK from broker-a");
    assert.equal(await send(cb, "b-before-kill"), ResponseCode.SUCCESS);

    const slaves = [slaveOf(a), slaveOf(b)];
    for (const s of slaves) await cluster.kill9(s.name);
    // The masters see the replication links close at once (the slaves' sessions, and so the
    // groups' quorum, outlive them by up to the 20 s session timeout).
    for (const [m, s] of [[a, slaves[0]], [b, slaves[1]]] as const) {
      await waitFor(() => m.proc!.logs.some((l) => l.msg === "slave disconnected" && l.slave === s.name), 15_000, () => `${m.name} did not see ${s.name} go`);
    }
    const gone = await ca.request(RequestCode.SEND_MESSAGE_V2, { a: "pg-role", b: NA_TOPIC, e: 0, g: Date.now(), i: "" }, Buffer.from("na-raw"));
    assert.equal(gone.code, ResponseCode.SLAVE_NOT_AVAILABLE, `SYNC_MASTER without a slave: ${gone.code} ${gone.remark}`);
    assert.match(gone.remark ?? "", /stored on the master, but no slave is connected/);
    assert.match(gone.extFields.msgId ?? "", /^[0-9A-F]{32}$/, "the reply says where the message was stored");
    assert.equal(await send(cb, "b-after-kill"), ResponseCode.SUCCESS, "ASYNC_MASTER does not wait for its slave");
    const r = await p.send(new Message(NA_TOPIC, "x", "na-client"));
    assert.equal(r.sendStatus, "SLAVE_NOT_AVAILABLE", "the RocketMQ client sees SendStatus SLAVE_NOT_AVAILABLE");
    assert.equal(r.messageQueue.brokerName, "broker-a");

    // The slaves come back, catch up, and SEND_OK returns; the SLAVE_NOT_AVAILABLE messages are
    // there. (Should a slave's old session expire before it is back, broker-a's master steps down
    // for want of a quorum and, holding the longer log, is elected again: hence a fresh connection.)
    for (const s of slaves) await cluster.startNode(s.name);
    let c2: RawRemotingClient | null = null;
    try {
      await until(async () => {
        try {
          if (!c2 || c2.closed) c2 = await RawRemotingClient.connect(addr(await cluster.master("broker-a", 60_000)));
          return (await send(c2, "na-after", NA_TOPIC)) === ResponseCode.SUCCESS;
        } catch {
          return false;
        }
      }, 90_000, "broker-a never answered SEND_OK again after its slave came back");
      assert.equal((await cluster.master("broker-a")).name, a.name, "broker-a's master is the node holding the longer log");
      const pulled = await c2!.request(RequestCode.PULL_MESSAGE, { consumerGroup: "cg-slave-gone", topic: NA_TOPIC, queueId: 0, queueOffset: 0, maxMsgNums: 256, sysFlag: 0, subscription: "*" });
      assert.equal(pulled.code, ResponseCode.SUCCESS);
      for (const body of ["na-raw", "na-client", "na-after"]) assert.ok(pulled.body?.includes(Buffer.from(body)), `${body} was stored and is consumable`);
    } finally {
      (c2 as RawRemotingClient | null)?.close();
    }
  } finally {
    await closeAll([p]);
    ca.close();
    cb.close();
  }
});
