import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { clusterSchema } from "./clusterSchema";
import { importBrokerProperties } from "./importBrokerProperties";
import { resolveNodeConfig } from "./resolveNodeConfig";

// Seed 002's four files (2m-2s-sync), the lines that differ between them plus the shared ones.
const common = `brokerClusterName=rocketmq-cluster
namesrvAddr=192.168.234.135:9876;192.168.234.139:9876
defaultTopicQueueNums=4
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
deleteWhen=04
fileReservedTime=120
mapedFileSizeCommitLog=1073741824
diskMaxUsedSpaceRatio=88
storePathRootDir=/usr/local/rocketmq/store
maxMessageSize=65536
#flushCommitLogLeastPages=4
flushDiskType=SYNC_FLUSH
`;
const file = (name: string, brokerName: string, id: number, ip: string, port: number, role: string): { name: string; text: string } => ({
  name,
  text: `#所属集群名字\n${common}brokerName=${brokerName}\nbrokerId=${id}\nbrokerIP1=${ip}\nlistenPort=${port}\nbrokerRole=${role}\n`,
});
const seed = [
  file("broker-a.properties", "broker-a", 0, "192.168.234.135", 10911, "SYNC_MASTER"),
  file("broker-b-s.properties", "broker-b", 1, "192.168.234.135", 11011, "SLAVE"),
  file("broker-b.properties", "broker-b", 0, "192.168.234.139", 10911, "SYNC_MASTER"),
  file("broker-a-s.properties", "broker-a", 1, "192.168.234.139", 11011, "SLAVE"),
];

describe("importing RocketMQ broker .properties files", () => {
  test("seed 002's 2m-2s-sync files become two groups of two nodes with the seed's settings", () => {
    const r = importBrokerProperties(seed);
    assert.deepEqual(r.errors, []);
    const c = clusterSchema.parse({ zkAddress: "127.0.0.1:2181", ...r.cluster });
    assert.deepEqual(c.groups.map((g) => [g.name, g.brokerRole, g.flushDiskType, g.nodes.map((n) => n.name)]), [
      ["broker-a", "SYNC_MASTER", "SYNC_FLUSH", ["broker-a-0", "broker-a-1"]],
      ["broker-b", "SYNC_MASTER", "SYNC_FLUSH", ["broker-b-1", "broker-b-0"]],
    ]);
    assert.equal(c.rocketmq?.brokerClusterName, "rocketmq-cluster");
    assert.equal(c.rocketmq?.fileReservedTime, 120);
    assert.equal(c.rocketmq?.diskMaxUsedSpaceRatio, 88);
    assert.equal(c.rocketmq?.maxMessageSize, 65536);
    assert.equal(c.rocketmq?.namesrvAddr, "192.168.234.135:9876;192.168.234.139:9876");
    const a1 = resolveNodeConfig(c, "broker-a-1");
    assert.equal(a1.hostname, "192.168.234.139");
    assert.equal(a1.rocketmq?.listenPort, 11011);
    assert.equal(a1.rocketmq?.brokerName, "broker-a");
    assert.equal(resolveNodeConfig(c, "broker-a-0").rocketmq?.namesrvPort, 9876, "the NameServer of 192.168.234.135 runs on its first node");
    assert.ok(r.notes.some((n) => /brokerRole=SLAVE: Tandem elects the master of broker-a/.test(n)));
    assert.ok(r.notes.some((n) => /storePathRootDir ignored/.test(n)));
    assert.ok(!r.notes.some((n) => /flushDiskType/.test(n)), "flushDiskType is mapped, not ignored");
    assert.ok(r.notes.some((n) => /broker-a has 2 brokers: Tandem's election needs a majority \(2 of 2\)/.test(n)), "the 2m-2s layout's lack of failover is said");
  });

  test("bad and conflicting values are refused with the file, the field and the reason", () => {
    const bad = [
      file("broker-a.properties", "broker-a", 0, "10.0.0.1", 10911, "SYNC_MASTER"),
      { name: "broker-b.properties", text: seed[2].text.replace("diskMaxUsedSpaceRatio=88", "diskMaxUsedSpaceRatio=99").replace("listenPort=10911", "listenPort=99999") },
      { name: "broker-c.properties", text: "brokerId=0\n" },
    ];
    const r = importBrokerProperties(bad);
    assert.equal(r.cluster, null);
    const text = r.errors.join("\n");
    assert.match(text, /broker-b\.properties: diskMaxUsedSpaceRatio: "99" differs from "88" in broker-a\.properties/);
    assert.match(text, /broker-c\.properties: brokerName: missing/);
    assert.match(text, /broker-b-0: listenPort: a port is 0\.\.65535/);
  });
});
