// `discovery:zk://…`: the failover client asks the coordinator which member is master instead of
// probing a fixed list, and follows the group when the master is killed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FailoverClient } from "../server/runtime/client/FailoverClient";
import { ClusterProcess, waitFor } from "./support/clusterProcess";

let cluster: ClusterProcess;
let client: FailoverClient | undefined;

before(async () => {
  cluster = await ClusterProcess.start({ nodes: 3 });
  await cluster.waitForMaster();
});

after(async () => {
  await client?.disconnect();
  await cluster?.stop();
});

test("discovery connects to the elected master and follows it across kill -9", { timeout: 60_000 }, async () => {
  const master = await cluster.waitForMaster();
  client = await FailoverClient.connect({ uri: `discovery:zk://${cluster.zkAddress}/tandem/test/group1` });
  assert.equal(client.connectedUrl, `stomp://127.0.0.1:${master.stompPort}`);
  assert.equal(client.masterInfo?.container, master.name);
  const got: string[] = [];
  await client.subscribe("/queue/ha.discovery", (m) => {
    got.push(m.body.toString());
    void m.ack();
  }, { ack: "client-individual" });
  await client.send("/queue/ha.discovery", "before", { headers: { persistent: "true" } });
  const resumed = new Promise<string>((r) => client!.once("resumed", r));
  await cluster.kill9(master.name);
  const sending = client.send("/queue/ha.discovery", "during", { headers: { persistent: "true" } });
  sending.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
  const next = await cluster.waitForMaster(30_000, master.name);
  assert.equal(await resumed, `stomp://127.0.0.1:${next.stompPort}`);
  await sending;
  assert.equal(client.masterInfo?.container, next.name);
  await waitFor(() => got.includes("before") && got.includes("during"), 10_000, () => `got ${JSON.stringify(got)}`);
});
