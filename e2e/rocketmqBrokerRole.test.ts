// brokerRole against real processes: broker-a is SYNC_MASTER + SYNC_FLUSH (seed 002), broker-b
// ASYNC_MASTER + ASYNC_FLUSH, two nodes each. With each group's slave frozen (SIGSTOP, for less
// than the session timeout: a 2-node group's master steps down once its slave's session expires,
// as it no longer has a quorum), the SYNC_MASTER answers FLUSH_SLAVE_TIMEOUT after
// syncFlushTimeout instead of SEND_OK, while the ASYNC_MASTER keeps answering SEND_OK. The FLUSH_SLAVE_TIMEOUT messages are stored anyway (as
// RocketMQ does) and are consumed once the slave is back and has them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
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
    // The coordinator's largest grant (20 x its 500 ms tick): the frozen window stays well inside it.
    cluster: { zkSessionTimeout: "10s" },
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

async function send(c: RawRemotingClient, body: string): Promise<number> {
  const r = await c.request(RequestCode.SEND_MESSAGE_V2, { a: "pg-role", b: TOPIC, e: 0, g: Date.now(), i: "" }, Buffer.from(body));
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
