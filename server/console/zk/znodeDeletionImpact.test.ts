import assert from "node:assert/strict";
import { test } from "node:test";
import type { GroupState } from "../cluster/ClusterMonitor";
import { permsText } from "./permsText";
import { znodeDeletionImpact } from "./znodeDeletionImpact";
import { znodeChangeInvalidations } from "./znodeChangeInvalidations";

const member = (eid: string, node: string, extra: Record<string, unknown> = {}) => ({
  eid, znode: `/activemq-cluster/leveldb-stores/group1/0${eid}`, container: node, id: "activemq-cluster", address: null,
  position: -1, weight: 1, elected: null, session: `0x10${eid.slice(-1)}`, ctime: 0, ...extra,
});

const group: GroupState = {
  name: "group1", zkPath: "/activemq-cluster/leveldb-stores/group1", replicas: 3, quorum: 2, sync: "quorum_mem", nodes: ["mq1", "mq2", "mq3"],
  members: [member("0000000001", "mq2", { elected: "0000000003" }), member("0000000002", "mq3"), member("0000000003", "mq1", { address: "tcp://127.0.0.1:62621" })],
  electorEid: "0000000001", electedEid: "0000000003", master: "mq1", history: [], updatedAt: 0,
};

test("deleting a znode Tandem uses says what it is and what follows", () => {
  const master = znodeDeletionImpact(`${group.zkPath}/00000000003`, [group]) ?? "";
  assert.match(master, /^member znode of mq1, master of group1\. Its address record \(tcp:\/\/127\.0\.0\.1:62621\) goes with it\. mq1 stops serving at once/);
  assert.match(master, /clients fail over/);
  const slave = znodeDeletionImpact(`${group.zkPath}/00000000002`, [group]) ?? "";
  assert.match(slave, /^member znode of mq3, slave of group1\. mq3 drops out of the group and re-registers/);
  assert.match(znodeDeletionImpact(`${group.zkPath}/term`, [group]) ?? "", /^term counter of HA group group1/);
  assert.match(znodeDeletionImpact(group.zkPath, [group]) ?? "", /^election path of HA group group1\. Its master mq1 stops serving at once; every member \(3\)/);
  assert.match(znodeDeletionImpact("/activemq-cluster", [group]) ?? "", /^election path of HA group group1/, "an ancestor takes the group with it");
  assert.equal(znodeDeletionImpact("/elsewhere", [group]), null);
  assert.equal(znodeDeletionImpact(`${group.zkPath}/00000000009`, [group]), null);
});

test("permission bits print as zkCli does", () => {
  assert.equal(permsText(31), "cdrwa");
  assert.equal(permsText(17), "ra");
  assert.equal(permsText(0), "");
});

test("a watch event invalidates exactly the explorer queries showing that znode", () => {
  const keys = (ms: ReturnType<typeof znodeChangeInvalidations>) => ms.map((m) => `${m.path.join(".")}${"input" in m ? ` ${m.input.path}` : ""}`);
  assert.deepEqual(keys(znodeChangeInvalidations({ type: "data_changed", path: "/a/b" })), ["zk.get /a/b"]);
  assert.deepEqual(keys(znodeChangeInvalidations({ type: "children_changed", path: "/a" })), ["zk.children /a", "zk.get /a", "zk.children /", "zk.deletePreview"]);
  assert.deepEqual(keys(znodeChangeInvalidations({ type: "session_lost", path: "/a" })), ["zk"]);
});
