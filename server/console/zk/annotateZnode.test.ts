import assert from "node:assert/strict";
import { test } from "node:test";
import type { GroupState } from "../cluster/ClusterMonitor";
import { annotateZnode } from "./annotateZnode";
import { parseMntr, parseSrvr } from "./ensembleStatus";

const member = (eid: string, node: string, extra: Record<string, unknown> = {}) => ({
  eid, znode: `/activemq-cluster/leveldb-stores/group1/0${eid}`, container: node, id: "activemq-cluster", address: null,
  position: -1, weight: 1, elected: null, session: `0x10${eid.slice(-1)}`, ctime: 0, ...extra,
});

const group: GroupState = {
  name: "group1", zkPath: "/activemq-cluster/leveldb-stores/group1", replicas: 3, quorum: 2, sync: "quorum_mem", nodes: ["mq1", "mq2", "mq3"],
  members: [member("0000000001", "mq2", { elected: "0000000003" }), member("0000000002", "mq3"), member("0000000003", "mq1", { address: "tcp://127.0.0.1:62621" })],
  electorEid: "0000000001", electedEid: "0000000003", master: "mq1", history: [], updatedAt: 0,
};

test("election znodes are explained against the live group", () => {
  assert.equal(annotateZnode(group.zkPath, [group]), "HA group group1: 3 of 3 members, quorum 2, sync quorum_mem, master mq1");
  assert.equal(
    annotateZnode(`${group.zkPath}/00000000003`, [group]),
    "master of group1, node mq1, session 0x103",
  );
  assert.equal(annotateZnode(`${group.zkPath}/00000000001`, [group]), "slave of group1, elector (lowest member), node mq2, session 0x101");
  assert.equal(annotateZnode(`${group.zkPath}/00000000009`, [group]), "under HA group group1's election path (not a current member)");
  assert.match(annotateZnode("/zookeeper/quota", [group]) ?? "", /ZooKeeper's own namespace/);
  assert.equal(annotateZnode("/something/else", [group]), null);
});

test("srvr and mntr answers are parsed; mntr fills in what srvr lacks", () => {
  const srvr = "Zookeeper version: 3.8.0-debian, built on 2023\nLatency min/avg/max: 0/0.5/3\nReceived: 10\nSent: 9\nConnections: 4\nOutstanding: 0\nZxid: 0x100000007\nMode: standalone\nNode count: 12\n";
  const s = parseSrvr(srvr);
  assert.equal(s.mode, "standalone");
  assert.equal(s.connections, 4);
  assert.equal(s.zxid, "0x100000007");
  assert.equal(s.znodes, 12);
  const m = parseMntr("zk_version\t3.8.0\nzk_server_state\tleader\nzk_num_alive_connections\t7\nzk_znode_count\t40\n", s);
  assert.equal(m.mode, "leader");
  assert.equal(m.connections, 7);
  assert.equal(m.znodes, 40);
});
