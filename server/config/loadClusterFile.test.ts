import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, loadClusterFile, parseClusterConfig } from "./loadClusterFile";
import { resolveNodeConfig } from "./resolveNodeConfig";

const node = (name: string, uri = "stomp://127.0.0.1:61613") => ({ name, transportConnectors: [{ name: "stomp", uri }] });

function issuesOf(doc: unknown): Array<{ path: string; message: string }> {
  try {
    parseClusterConfig(doc);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  assert.fail("config was accepted");
}

describe("cluster file", () => {
  test("a seed-style file is accepted with defaults filled in", () => {
    const c = parseClusterConfig({
      brokerName: "activemq-cluster",
      groups: [{ name: "group1", replicas: 3, sync: "local_disk", nodes: [node("mq1"), node("mq2", "stomp://127.0.0.1:61623"), node("mq3", "stomp://127.0.0.1:61633?maximumConnections=5&wireFormat.maxFrameSize=4096")] }],
    });
    assert.equal(c.groups[0].replicas, 3);
    assert.equal(c.broker.maxRedeliveries, 6);
    const n = resolveNodeConfig(c, "mq3", "/base");
    assert.equal(n.transports[0].maximumConnections, 5);
    assert.equal(n.transports[0].maxFrameSize, 4096);
    assert.equal(n.dataDir, "/base/data/mq3");
    assert.equal(n.zkPath, "/tandem/activemq-cluster/groups/group1");
  });

  test("sizes and durations are read the way operators write them", () => {
    const c = parseClusterConfig({ zkSessionTimeout: "3s", broker: { memoryLimit: "64 mb", storeLimit: "1gb" }, groups: [{ name: "g", nodes: [node("a")] }] });
    assert.equal(c.zkSessionTimeout, 3000);
    assert.equal(c.broker.memoryLimit, 64 * 1024 * 1024);
    assert.equal(c.broker.storeLimit, 1024 ** 3);
  });

  test("each bad field is named with the reason", () => {
    const issues = issuesOf({
      broker: { memoryLimit: "lots" },
      groups: [
        { name: "g1", sync: "fast", nodes: [node("mq1", "stomp://127.0.0.1:61613?maxFrame=1"), node("mq1", "tcp://x:1")] },
      ],
    });
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    assert.match(byPath.get("broker.memoryLimit") ?? "", /not a byte size/);
    assert.match(byPath.get("groups[0].sync") ?? "", /quorum_mem/);
    assert.match(byPath.get("groups[0].nodes[0].transportConnectors[0].uri") ?? "", /unknown option "maxFrame"/);
    assert.match(byPath.get("groups[0].nodes[1].transportConnectors[0].uri") ?? "", /unsupported scheme "tcp"/);
  });

  test("duplicate node names across groups and unknown fields are refused", () => {
    const issues = issuesOf({ groups: [{ name: "a", nodes: [node("x")] }, { name: "b", nodes: [node("x")], replicaz: 3 }] });
    assert.ok(issues.some((i) => i.path === "groups[1].nodes[0].name" && /duplicate node name "x"/.test(i.message)));
    assert.ok(issues.some((i) => i.path.startsWith("groups[1]") && /replicaz/.test(i.message)), JSON.stringify(issues));
  });

  test("broken YAML is refused with the parser's reason, and a missing node lists the known ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-cfg-"));
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "groups: [ {name: a\n");
    await assert.rejects(loadClusterFile(bad), (err: unknown) => err instanceof ConfigError && err.issues[0].path === "(yaml)");
    const c = parseClusterConfig({ groups: [{ name: "g", nodes: [node("mq1")] }] });
    assert.throws(() => resolveNodeConfig(c, "mq9"), /node "mq9" is not in the cluster file \(nodes: mq1\)/);
  });
});
