import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { clusterSchema } from "./clusterSchema";
import { resolveNodeConfig } from "./resolveNodeConfig";

function cluster(rocketmq: Record<string, unknown> | undefined, nodeRmq: Array<Record<string, unknown>> = [{ listenPort: 10911, namesrvPort: 9876, brokerId: 0 }, { listenPort: 10921, brokerId: 1 }]) {
  return {
    zkAddress: "127.0.0.1:2181",
    ...(rocketmq ? { rocketmq } : {}),
    groups: [
      {
        name: "broker-a",
        replicas: 2,
        brokerRole: "SYNC_MASTER",
        flushDiskType: "SYNC_FLUSH",
        nodes: nodeRmq.map((r, i) => ({ name: `a${i}`, transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${61613 + i}` }], rocketmq: r })),
      },
    ],
  };
}

function issues(input: unknown): string[] {
  const r = clusterSchema.safeParse(input);
  assert.equal(r.success, false, "the file must be refused");
  return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("RocketMQ vocabulary in the cluster file", () => {
  test("seed 002's fields resolve onto the node", () => {
    const c = clusterSchema.parse(cluster({ brokerClusterName: "rocketmq-cluster", namesrvAddr: "127.0.0.1:9876", deleteWhen: "04;05", fileReservedTime: 48, diskMaxUsedSpaceRatio: 88, maxMessageSize: 65536, autoCreateTopicEnable: false, defaultTopicQueueNums: 8 }));
    const n = resolveNodeConfig(c, "a0");
    assert.equal(n.rocketmq?.brokerName, "broker-a");
    assert.equal(n.rocketmq?.brokerClusterName, "rocketmq-cluster");
    assert.equal(n.rocketmq?.listenPort, 10911);
    assert.equal(n.rocketmq?.namesrvPort, 9876);
    assert.deepEqual(n.rocketmq?.deleteWhen, [4, 5]);
    assert.equal(n.rocketmq?.fileReservedTime, 48);
    assert.equal(n.rocketmq?.maxMessageSize, 65536);
    assert.equal(n.rocketmq?.replicated, true, "SYNC_MASTER waits for a slave");
    assert.equal(n.rocketmq?.delayLevelsMs.length, 18);
    assert.equal(n.brokerRole, "SYNC_MASTER");
    assert.equal(n.flushDiskType, "SYNC_FLUSH");
  });

  test("broker-a.properties' lines written into the YAML file as they are (deleteWhen=04 reads as a number there)", () => {
    const doc = parseYaml(`
rocketmq:
  brokerClusterName: rocketmq-cluster
  namesrvAddr: 127.0.0.1:9876
  defaultTopicQueueNums: 4
  autoCreateTopicEnable: true
  deleteWhen: 04
  fileReservedTime: 120
  diskMaxUsedSpaceRatio: 88
  maxMessageSize: 65536
groups:
  - name: broker-a
    brokerRole: SYNC_MASTER
    flushDiskType: SYNC_FLUSH
    nodes:
      - name: a0
        transportConnectors: [{ name: stomp, uri: "stomp://127.0.0.1:61613" }]
        rocketmq: { brokerId: 0, listenPort: 10911, namesrvPort: 9876 }
`);
    const n = resolveNodeConfig(clusterSchema.parse(doc), "a0").rocketmq;
    assert.deepEqual(n?.deleteWhen, [4]);
    assert.deepEqual([n?.brokerClusterName, n?.fileReservedTime, n?.diskMaxUsedSpaceRatio, n?.maxMessageSize, n?.defaultTopicQueueNums], ["rocketmq-cluster", 120, 88, 65536, 4]);
    assert.deepEqual(resolveNodeConfig(clusterSchema.parse({ ...(doc as object), rocketmq: { deleteWhen: "04;05" } }), "a0").rocketmq?.deleteWhen, [4, 5]);
    assert.match(issues({ ...(doc as object), rocketmq: { deleteWhen: 24 } }).join("\n"), /rocketmq\.deleteWhen: an hour of the day is 00\.\.23/);
    assert.match(issues({ ...(doc as object), rocketmq: { deleteWhen: "4am" } }).join("\n"), /rocketmq\.deleteWhen: hours of the day separated by ";"/);
  });

  test("invalid values are refused with the field and the reason", () => {
    const bad = issues(cluster({ diskMaxUsedSpaceRatio: 99, deleteWhen: "25", fileReservedTime: -1, messageDelayLevel: "1s 5x", maxMessageSize: "100mb", defaultTopicQueueNums: 0 }));
    const text = bad.join("\n");
    assert.match(text, /rocketmq\.diskMaxUsedSpaceRatio: diskMaxUsedSpaceRatio is a percentage between 10 and 95/);
    assert.match(text, /rocketmq\.deleteWhen: an hour of the day is 00\.\.23/);
    assert.match(text, /rocketmq\.fileReservedTime: fileReservedTime must be a positive number of hours/);
    assert.match(text, /rocketmq\.messageDelayLevel: levels are durations/);
    assert.match(text, /rocketmq\.maxMessageSize: "100mb" is not a message size between 1 byte and 64 MiB/);
    assert.match(text, /rocketmq\.defaultTopicQueueNums: defaultTopicQueueNums must be at least 1/);
  });

  test("namesrvAddr must name a node's NameServer listener; brokerIds are unique per group", () => {
    const text = issues(cluster({ namesrvAddr: "127.0.0.1:9876;127.0.0.1:9999" }, [{ listenPort: 10911, namesrvPort: 9876, brokerId: 0 }, { listenPort: 10921, brokerId: 0 }])).join("\n");
    assert.match(text, /rocketmq\.namesrvAddr: 127\.0\.0\.1:9999 is not the NameServer listener of any node/);
    assert.match(text, /groups\.0\.nodes\.1\.rocketmq\.brokerId: brokerId 0 is already used by node a0 of group broker-a/);
  });

  test("namesrv: true runs a NameServer on RocketMQ's 9876 unless namesrvPort is given; namesrvPort alone still turns it on", () => {
    const ports = (nodes: Array<Record<string, unknown>>, namesrvAddr?: string): Array<number | undefined> => {
      const c = clusterSchema.parse(cluster(namesrvAddr ? { namesrvAddr } : {}, nodes));
      return nodes.map((_, i) => resolveNodeConfig(c, `a${i}`).rocketmq?.namesrvPort);
    };
    // a0 takes the default, a1 names its port, a2 runs none (no namesrv, no namesrvPort).
    assert.deepEqual(ports([{ listenPort: 10911, namesrv: true }, { listenPort: 10921, namesrvPort: 9877 }, { listenPort: 10931 }], "127.0.0.1:9876;127.0.0.1:9877"), [9876, 9877, undefined]);
    assert.deepEqual(ports([{ listenPort: 10911, namesrv: true, namesrvPort: 0 }, { listenPort: 10921, namesrv: false }]), [0, undefined], "0 = any free port (tests)");
    // A NameServer-only node still gets RocketMQ settings (the broker listener takes any free port).
    const only = resolveNodeConfig(clusterSchema.parse(cluster({}, [{ namesrv: true }])), "a0").rocketmq;
    assert.deepEqual([only?.namesrvPort, only?.listenPort], [9876, 0]);
  });

  test("contradictory or colliding NameServer settings are refused with the field and the reason", () => {
    const contradiction = issues(cluster({}, [{ listenPort: 10911, namesrv: false, namesrvPort: 9876 }])).join("\n");
    assert.match(contradiction, /groups\.0\.nodes\.0\.rocketmq\.namesrvPort: namesrvPort is set but namesrv is false: remove namesrvPort, or set namesrv: true/);
    // Two nodes on one host both taking the default.
    const twice = issues(cluster({}, [{ listenPort: 10911, namesrv: true }, { listenPort: 10921, namesrv: true }])).join("\n");
    assert.match(twice, /groups\.0\.nodes\.1\.rocketmq\.namesrv: NameServer port 9876 on 127\.0\.0\.1 is already taken by the NameServer listener of node a0: set namesrvPort to another port \(namesrv: true means 9876\)/);
    // A NameServer on a broker listener's port.
    const onBroker = issues(cluster({}, [{ listenPort: 10911 }, { listenPort: 10921, namesrvPort: 10911 }])).join("\n");
    assert.match(onBroker, /groups\.0\.nodes\.1\.rocketmq\.namesrvPort: NameServer port 10911 on 127\.0\.0\.1 is already taken by the broker listener \(listenPort\) of node a0: use another port/);
    // The same default on different hosts is fine, and namesrvAddr may name both.
    const input = cluster({ namesrvAddr: "127.0.0.1:9876;127.0.0.2:9876" }, [{ listenPort: 10911, namesrv: true }, { listenPort: 10911, namesrv: true }]);
    (input.groups[0].nodes[1] as Record<string, unknown>).hostname = "127.0.0.2";
    assert.equal(clusterSchema.safeParse(input).success, true);
    // namesrvAddr naming a port nobody listens on (no namesrv: true there) is still refused.
    assert.match(issues(cluster({ namesrvAddr: "127.0.0.1:9876" }, [{ listenPort: 10911 }])).join("\n"), /rocketmq\.namesrvAddr: 127\.0\.0\.1:9876 is not the NameServer listener of any node \(set namesrv: true, or namesrvPort/);
  });

  test("node rocketmq settings without the cluster's rocketmq section are refused", () => {
    assert.match(issues(cluster(undefined)).join("\n"), /rocketmq: groups or nodes have rocketmq settings, but the cluster has no rocketmq section/);
  });

  test("a listenPort out of range is refused", () => {
    assert.match(issues(cluster({}, [{ listenPort: 70000 }])).join("\n"), /groups\.0\.nodes\.0\.rocketmq\.listenPort: a port is 0\.\.65535/);
  });
});
