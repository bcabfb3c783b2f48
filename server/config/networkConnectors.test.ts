import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { seedTopology } from "../console/cluster/seedTopology";
import { ConfigError, parseClusterConfig } from "./loadClusterFile";
import { resolveNodeConfig } from "./resolveNodeConfig";

const node = (name: string, port: number) => ({ name, transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${port}` }] });

function cluster(g1Connectors: unknown[], g2Connectors: unknown[] = [], extra: Record<string, unknown> = {}) {
  return {
    zkAddress: "127.0.0.1:2181",
    ...extra,
    groups: [
      { name: "group1", replicas: 3, nodes: [node("mq1", 61613), node("mq2", 61623), node("mq3", 61633)], networkConnectors: g1Connectors },
      { name: "group2", replicas: 3, nodes: [node("mq4", 61643), node("mq5", 61653), node("mq6", 61663)], networkConnectors: g2Connectors },
    ],
  };
}

function issuesOf(doc: unknown): Array<{ path: string; message: string }> {
  try {
    parseClusterConfig(doc);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  assert.fail("config was accepted");
}

describe("networkConnectors", () => {
  test("seed 000's spelling: static(…) listing the other group's three nodes, duplex — one bridge following group2's master", () => {
    const c = parseClusterConfig(cluster([{ name: "group1-broker1", uri: "static(tcp://127.0.0.1:61643,tcp://127.0.0.1:61653,tcp://127.0.0.1:61663)", duplex: true }]));
    const g1 = resolveNodeConfig(c, "mq1").bridges!;
    assert.equal(g1.length, 1);
    assert.equal(g1[0].remote.group, "group2");
    assert.equal(g1[0].remote.zkPath, "/tandem/tandem/groups/group2");
    assert.deepEqual(g1[0].remote.urls, ["stomp://127.0.0.1:61643", "stomp://127.0.0.1:61653", "stomp://127.0.0.1:61663"]);
    assert.equal(g1[0].settings.decreaseNetworkConsumerPriority, true, "5.18 default");
    assert.equal(g1[0].settings.prefetchSize, 1000);
    assert.equal(g1[0].settings.messageTTL, 1);
    // duplex: group2's master runs the reverse half.
    const g2 = resolveNodeConfig(c, "mq4").bridges!;
    assert.deepEqual(g2.map((b) => [b.name, b.remote.group]), [["group1-broker1.duplex", "group1"]]);
    assert.deepEqual(g1[0].neighbours, { group1: ["group2"], group2: ["group1"] });
  });

  test("networkTTL sets messageTTL and consumerTTL unless they are given", () => {
    const c = parseClusterConfig(cluster([{ name: "a", group: "group2", networkTTL: 3, consumerTTL: 1 }]));
    const s = resolveNodeConfig(c, "mq1").bridges![0].settings;
    assert.equal(s.messageTTL, 3);
    assert.equal(s.consumerTTL, 1);
  });

  test("static: to brokers outside the cluster file is one bridge per URI; masterslave: is one bridge", () => {
    const c = parseClusterConfig(cluster([
      { name: "out", uri: "static:(tcp://10.0.0.1:61613,tcp://10.0.0.2:61613)" },
      { name: "ms", uri: "masterslave:(tcp://10.0.1.1:61613,tcp://10.0.1.2:61613)" },
    ]));
    const names = resolveNodeConfig(c, "mq1").bridges!.map((b) => `${b.name}:${b.remote.urls.join("|")}`);
    assert.deepEqual(names, ["out#1:stomp://10.0.0.1:61613", "out#2:stomp://10.0.0.2:61613", "ms:stomp://10.0.1.1:61613|stomp://10.0.1.2:61613"]);
  });

  const refusals: Array<[string, unknown, RegExp, RegExp]> = [
    ["neither uri nor group", cluster([{ name: "a" }]), /networkConnectors\[0\]\.uri/, /exactly one of uri/],
    ["both uri and group", cluster([{ name: "a", group: "group2", uri: "static:(tcp://10.0.0.1:1)" }]), /\.uri/, /exactly one/],
    ["prefetchSize 0", cluster([{ name: "a", group: "group2", prefetchSize: 0 }]), /prefetchSize/, /must be > 0/],
    ["unknown group", cluster([{ name: "a", group: "group9" }]), /\.group/, /no group "group9"/],
    ["bridge to itself", cluster([{ name: "a", group: "group1" }]), /\.group/, /itself/],
    ["URIs of its own group", cluster([{ name: "a", uri: "masterslave:(tcp://127.0.0.1:61613)" }]), /\.uri/, /own listeners/],
    ["multicast", cluster([{ name: "a", uri: "multicast://default" }]), /\.uri/, /multicast discovery is not supported/],
    ["0.0.0.0", cluster([{ name: "a", uri: "static:(tcp://0.0.0.0:61616)" }]), /\.uri/, /reachable host/],
    ["duplicate names", cluster([{ name: "a", group: "group2" }, { name: "a", uri: "static:(tcp://10.0.0.1:1)" }]), /\[1\]\.name/, /duplicate connector name/],
    ["duplex on both sides (two bridges per direction)", cluster([{ name: "a", group: "group2", duplex: true }], [{ name: "b", group: "group1", duplex: true }]), /groups\[1\]\.networkConnectors\[0\]/, /already bridged/],
    ["replayDelay without replay", cluster([{ name: "a", group: "group2", replayDelay: "2s" }]), /replayDelay/, /without replayWhenNoConsumers/],
    ["replay with networkTTL 1", cluster([{ name: "a", group: "group2", replayWhenNoConsumers: true }]), /networkTTL/, /messageTTL \(or networkTTL\) >= 2/],
    ["back-off max below initial", cluster([{ name: "a", group: "group2", initialReconnectDelay: "5s", maxReconnectDelay: "1s" }]), /maxReconnectDelay/, /initialReconnectDelay/],
    ["staticBridge with nothing static", cluster([{ name: "a", group: "group2", staticBridge: true }]), /staticallyIncludedDestinations/, /forward nothing/],
    ["a bare destination name", cluster([{ name: "a", group: "group2", excludedDestinations: ["orders"] }]), /excludedDestinations\[0\]/, /\/queue\//],
    ["static and excluded at once", cluster([{ name: "a", group: "group2", staticallyIncludedDestinations: ["/queue/x"], excludedDestinations: ["/queue/x"] }]), /staticallyIncludedDestinations\[0\]/, /also in excludedDestinations/],
    ["duplex to brokers outside the file", cluster([{ name: "a", uri: "masterslave:(tcp://10.0.0.1:61613)", duplex: true }]), /\.duplex/, /group of this cluster file/],
  ];
  for (const [what, doc, path, message] of refusals) {
    test(`refused at load: ${what}`, () => {
      const issues = issuesOf(doc);
      assert.ok(issues.some((i) => path.test(i.path) && message.test(i.message)), JSON.stringify(issues));
    });
  }

  test("the console's embedded seed topology joins group1 and group2 with one duplex bridge", () => {
    const c = parseClusterConfig(seedTopology({ dataDirectory: "/tmp/x", zkAddress: "127.0.0.1:2181", adminToken: "t".repeat(32), securityToken: "s" }));
    assert.deepEqual(resolveNodeConfig(c, "mq1").bridges!.map((b) => [b.name, b.remote.group, b.remote.zkPath]), [["group1-group2", "group2", "/activemq-cluster/leveldb-stores/group2"]]);
    assert.deepEqual(resolveNodeConfig(c, "mq5").bridges!.map((b) => [b.name, b.remote.group]), [["group1-group2.duplex", "group1"]]);
  });
});
