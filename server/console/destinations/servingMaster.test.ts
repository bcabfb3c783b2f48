import assert from "node:assert/strict";
import { test } from "node:test";
import { servingMaster, type MasterSource, type PolledNodes } from "./DestinationCluster";

function cluster(elected: string | null, said: Record<string, { role: string; serving: boolean } | null>): MasterSource & PolledNodes {
  const nodes = ["mq1", "mq2", "mq3"].map((name) => ({ name, group: "g" }));
  return {
    groups: [{ name: "g" }],
    nodes,
    masterOf: () => elected,
    pollers: new Map(nodes.map((n) => [n.name, { latest: said[n.name] === undefined ? null : { info: said[n.name] } }])),
  };
}

test("the elected master is addressed unless the nodes themselves say another one serves", () => {
  assert.equal(servingMaster(cluster("mq1", {}), "g"), "mq1", "no poll yet: trust the znodes");
  assert.equal(servingMaster(cluster("mq1", { mq1: { role: "master", serving: true } }), "g"), "mq1");
  assert.equal(servingMaster(cluster("mq1", { mq1: { role: "slave", serving: false }, mq2: { role: "master", serving: true } }), "g"), "mq2");
  assert.equal(servingMaster(cluster(null, { mq3: { role: "master", serving: true } }), "g"), "mq3");
  assert.equal(
    servingMaster(cluster("mq1", { mq1: { role: "slave", serving: false }, mq2: { role: "master", serving: true }, mq3: { role: "master", serving: true } }), "g"),
    "mq1",
    "two claimants: no guessing, the znodes decide and the call checks",
  );
  assert.equal(servingMaster(cluster(null, {}), "g"), null);
});
