// A real Prometheus (Debian's prometheus) scrapes the embedded cluster the way an operator would
// set it up: the console's /metrics with an API token, and every broker node's admin /metrics
// (the addresses the console's REST API lists) with the nodes' admin token. PromQL then answers
// a queue's depth after messages sent through the REST API, and the console's cluster view.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import createClient from "openapi-fetch";
import { startClusterConsoleProcess, type ClusterConsoleProcess } from "./consoleProcess";
import { freePorts } from "./support/clusterProcess";
import { firstAdminToken } from "./support/consoleToken";
import type { paths } from "./support/restApiTypes";

const PROMETHEUS = "/usr/bin/prometheus";

describe("Prometheus scrapes the embedded cluster", { skip: spawnSync(PROMETHEUS, ["--version"]).status !== 0 && "Debian's prometheus is not installed" }, () => {
  let c: ClusterConsoleProcess;
  let prometheus: ChildProcess | null = null;
  let promPort = 0;

  before(async () => {
    c = await startClusterConsoleProcess();
  });
  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill("SIGTERM");
      await new Promise((r) => prometheus!.once("exit", r));
    }
    await c?.stop();
  });

  async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => null);
    if (!res?.ok) return [];
    return ((await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
  }

  async function until<T>(what: string, fn: () => Promise<T | null>, ms: number): Promise<T> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const v = await fn();
      if (v !== null) return v;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test("PromQL answers a queue's depth from the nodes and the groups' masters from the console", async () => {
    const { token } = await firstAdminToken(c.url, c.adminPassword, { name: "prometheus", role: "operator" });
    const api = createClient<paths>({ baseUrl: `${c.url}/api/v1`, headers: { authorization: `Bearer ${token}` } });
    const groups = await until("every group with a master", async () => {
      const r = await api.GET("/groups");
      return r.data && r.data.items.length > 0 && r.data.items.every((g) => g.master !== null) ? r.data.items : null;
    }, 90_000);
    const group = groups[0]!.name;
    for (let i = 0; i < 7; i++) {
      const r = await api.POST("/destination/send", { body: { group, name: "/queue/prom.depth", body: `m${i}` } });
      assert.equal(r.response.status, 200, JSON.stringify(r.error));
    }
    const nodes = (await api.GET("/nodes", { params: { query: { page_size: 500 } } })).data!.items;
    assert.equal(nodes.length, 6);

    const dir = c.dataDir;
    const { adminToken } = JSON.parse(await readFile(path.join(dir, "cluster", "secrets.json"), "utf8")) as { adminToken: string };
    await writeFile(path.join(dir, "console-token"), token, { mode: 0o600 });
    await writeFile(path.join(dir, "node-token"), adminToken, { mode: 0o600 });
    const consoleTarget = new URL(c.url).host;
    const nodeTargets = nodes.map((n) => new URL(n.adminUrl).host);
    [promPort] = await freePorts(1);
    await writeFile(
      path.join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, scrape_timeout: 1s }",
        "scrape_configs:",
        "  - job_name: tandem-console",
        `    authorization: { credentials_file: ${JSON.stringify(path.join(dir, "console-token"))} }`,
        `    static_configs: [ { targets: [ ${JSON.stringify(consoleTarget)} ] } ]`,
        "  - job_name: tandem-nodes",
        `    authorization: { credentials_file: ${JSON.stringify(path.join(dir, "node-token"))} }`,
        `    static_configs: [ { targets: ${JSON.stringify(nodeTargets)} } ]`,
      ].join("\n"),
    );
    const check = spawnSync("/usr/bin/promtool", ["check", "config", path.join(dir, "prometheus.yml")], { encoding: "utf8" });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    prometheus = spawn(PROMETHEUS, [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: "ignore" });

    // Every target scraped successfully: six nodes and the console.
    await until("seven healthy targets", async () => ((await query("count(up == 1)"))[0]?.value[1] === "7" ? true : null), 60_000);
    const depth = await until("the queue's depth in Prometheus", async () => {
      const r = await query('max(tandem_destination_messages{job="tandem-nodes",destination="/queue/prom.depth"})');
      return r.length > 0 ? Number(r[0]!.value[1]) : null;
    }, 60_000);
    assert.equal(depth, 7);
    const masters = await query('sum(tandem_cluster_group_has_master{job="tandem-console"})');
    assert.equal(Number(masters[0]?.value[1]), groups.length);
    // For the record: metric families each kind of target exports, as Prometheus stored them.
    const families = async (job: string, prefix: string): Promise<number> =>
      Number((await query(`count(count by (__name__) ({job="${job}",__name__=~"${prefix}.*"}))`))[0]?.value[1] ?? 0);
    process.stdout.write(
      `# metric families: nodes ${await families("tandem-nodes", "tandem_")} tandem_* (${await families("tandem-nodes", "")} in all), ` +
        `console ${await families("tandem-console", "tandem_")} tandem_* (${await families("tandem-console", "")} in all)\n`,
    );
  });
});
