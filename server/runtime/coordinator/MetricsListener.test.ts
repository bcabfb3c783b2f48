import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pino } from "pino";
import { CoordinatorServer } from "./CoordinatorServer";
import { MetricsListener } from "./MetricsListener";

test("GET /metrics: mntr's measured numbers under ZooKeeper's Prometheus names; promtool accepts it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tandem-coord-metrics-"));
  const logger = pino({ level: "silent" });
  const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger });
  const listener = new MetricsListener(() => server.prometheusMetrics(), logger);
  try {
    const port = await listener.listen(0, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const mntr = await server.fourLetterWord("mntr");
    const fromMntr = (key: string): string => new RegExp(`^${key}\\t(.*)$`, "m").exec(mntr)![1]!;
    const fromProm = (name: string): string => new RegExp(`^${name} (.*)$`, "m").exec(text)![1]!;
    for (const name of ["znode_count", "watch_count", "ephemerals_count", "global_sessions", "approximate_data_size"]) {
      assert.equal(fromProm(name), fromMntr(`zk_${name}`), name);
    }
    assert.doesNotMatch(text, /^version |server_state /m, "strings are not metrics");
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
    if (spawnSync("/usr/bin/promtool", ["--version"]).status === 0) {
      // The exposition parses; promtool's only objections are lint on ZooKeeper's own names
      // (znode_count, watch_count… end in _count), kept so ZooKeeper's published alert rules work.
      const check = spawnSync("/usr/bin/promtool", ["check", "metrics"], { input: text });
      const complaints = (check.stdout.toString() + check.stderr.toString()).split("\n").filter((l) => l.trim() !== "");
      assert.ok(complaints.length > 0 || check.status === 0);
      for (const c of complaints) assert.match(c, /^\w+_count non-histogram and non-summary metrics should not have "_count" suffix$/, c);
    }
  } finally {
    await listener.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
