// The NameServer role's route table from the coordinator, as RocketMQ's RouteInfoManager keeps it:
// a registration not renewed for 120 s is dropped, one whose session closed goes at once, and of
// two registrations of one brokerName (the old master's session not yet expired after a failover)
// the newer wins. The coordinator is a map here; the clock is the test's.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import pino from "pino";
import type { CoordinationApi } from "../zk/CoordinationApi";
import type { BrokerRegistration } from "./BrokerRegistration";
import { NameServer } from "./NameServer";
import { RequestCode, ResponseCode } from "./remotingCodes";
import { ZkRouteSource } from "./ZkRouteSource";

const PATH = "/tandem/c/rocketmq/brokers";
const logger = pino({ level: "silent" });

/** Znodes under PATH: child → (data, version). */
function coordinator(): { api: CoordinationApi; put: (child: string, reg: BrokerRegistration) => void; drop: (child: string) => void } {
  const nodes = new Map<string, { data: Buffer; version: number }>();
  const api = {
    getChildren: async (path: string) => (path === PATH ? [...nodes.keys()] : null),
    getData: async (path: string) => {
      const n = nodes.get(path.slice(PATH.length + 1));
      return n ? { data: n.data, stat: { version: n.version } } : null;
    },
  } as unknown as CoordinationApi;
  return {
    api,
    put: (child, reg) => nodes.set(child, { data: Buffer.from(JSON.stringify(reg)), version: (nodes.get(child)?.version ?? -1) + 1 }),
    drop: (child) => void nodes.delete(child),
  };
}

const reg = (brokerName: string, addr: string): BrokerRegistration => ({
  cluster: "DefaultCluster",
  brokerName,
  addr,
  node: addr,
  registeredAt: 0,
  topics: { TopicTest: { topicName: "TopicTest", readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0, order: false } },
});

function clock(t: TestContext): { advance: (ms: number) => void } {
  let now = 1_800_000_000_000;
  t.mock.method(Date, "now", () => now);
  return { advance: (ms) => (now += ms) };
}

const names = async (s: ZkRouteSource): Promise<string[]> => (await s.registrations()).map((r) => `${r.brokerName}@${r.addr}`).sort();

test("a registration not renewed for 120 s is dropped; a renewal brings it back", async (t) => {
  const c = clock(t);
  const zk = coordinator();
  zk.put("broker-0000000001", reg("broker-a", "10.0.0.1:10911"));
  zk.put("broker-0000000002", reg("broker-b", "10.0.0.2:10911"));
  const source = new ZkRouteSource(() => zk.api, PATH, logger);
  assert.deepEqual(await names(source), ["broker-a@10.0.0.1:10911", "broker-b@10.0.0.2:10911"]);
  c.advance(90_000);
  zk.put("broker-0000000002", reg("broker-b", "10.0.0.2:10911")); // broker-b renews (every 30 s); broker-a has stopped
  assert.equal((await names(source)).length, 2, "90 s without renewal is still within the expiry");
  c.advance(31_000);
  assert.deepEqual(await names(source), ["broker-b@10.0.0.2:10911"], "broker-a: 121 s without renewal");
  zk.put("broker-0000000001", reg("broker-a", "10.0.0.1:10911"));
  c.advance(1000);
  assert.equal((await names(source)).length, 2, "renewed: routed again");
});

test("a closed session drops the broker at once; after a failover the new master's registration wins", async (t) => {
  const c = clock(t);
  const zk = coordinator();
  zk.put("broker-0000000001", reg("broker-a", "10.0.0.1:10911"));
  const source = new ZkRouteSource(() => zk.api, PATH, logger);
  const ns = new NameServer(source, logger);
  assert.deepEqual(await names(source), ["broker-a@10.0.0.1:10911"]);
  // Failover: the new master registers while the old master's ephemeral znode still lingers.
  zk.put("broker-0000000003", reg("broker-a", "10.0.0.9:10911"));
  c.advance(1000);
  assert.deepEqual(await names(source), ["broker-a@10.0.0.9:10911"]);
  const route = await ns.handlers().get(RequestCode.GET_ROUTEINFO_BY_TOPIC)!({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, opaque: 1, flag: 0, extFields: { topic: "TopicTest" }, body: null, remark: null }, {} as never);
  assert.equal(route?.code, ResponseCode.SUCCESS);
  assert.deepEqual((JSON.parse(route!.body!.toString()) as { brokerDatas: Array<{ brokerAddrs: Record<string, string> }> }).brokerDatas[0].brokerAddrs, { "0": "10.0.0.9:10911" });
  // The new master's session closes: its znode goes, and with it the route, at the next lookup.
  zk.drop("broker-0000000001");
  zk.drop("broker-0000000003");
  c.advance(1000);
  assert.deepEqual(await names(source), []);
  const missing = await ns.handlers().get(RequestCode.GET_ROUTEINFO_BY_TOPIC)!({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, opaque: 2, flag: 0, extFields: { topic: "TopicTest" }, body: null, remark: null }, {} as never);
  assert.equal(missing?.code, ResponseCode.TOPIC_NOT_EXIST);
});
