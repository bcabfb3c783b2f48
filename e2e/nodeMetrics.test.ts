// A node's Prometheus endpoint on a real broker process: promtool (Debian's prometheus package)
// accepts the exposition, the values are the broker's, and a real Prometheus scraping the node
// with its bearer token answers a PromQL query for a queue's depth.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { freePorts } from "./support/clusterProcess";
import { connectStomp } from "./support/stompClient";

const PROMTOOL = "/usr/bin/promtool";
const PROMETHEUS = "/usr/bin/prometheus";

async function scrape(b: BrokerProcess, query = ""): Promise<{ status: number; type: string; text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${b.adminPort}/metrics${query}`, { headers: { authorization: `Bearer ${b.adminToken}` } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text, ms: performance.now() - t0 };
}

function value(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe("node /metrics", () => {
  let b: BrokerProcess;
  let dir: string;
  let prometheus: ChildProcess | null = null;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-metrics-e2e-"));
    b = await startBroker();
    const c = await connectStomp(b.port);
    for (let i = 0; i < 25; i++) c.sendFrame("SEND", [["destination", "/queue/metrics.orders"], ["persistent", "true"]], `order ${i}`);
    await c.request("SEND", [["destination", "/queue/metrics.other"], ["persistent", "true"]], "x");
    await c.disconnect();
  });
  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill("SIGTERM");
      await new Promise((r) => prometheus!.once("exit", r));
    }
    await b?.stop();
    await b?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test("needs the bearer token; the exposition passes promtool and carries the broker's numbers", async () => {
    const anonymous = await fetch(`http://127.0.0.1:${b.adminPort}/metrics`);
    assert.equal(anonymous.status, 401);
    const m = await scrape(b);
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    const labels = (extra: string): string => `{${extra}broker="${label(m.text, "broker")}",node="${label(m.text, "node")}",group="${label(m.text, "group")}"}`;
    assert.equal(value(m.text, `tandem_destination_messages${labels('destination="/queue/metrics.orders",kind="queue",')}`), 25);
    assert.equal(value(m.text, `tandem_destination_messages_enqueued_total${labels('destination="/queue/metrics.orders",kind="queue",')}`), 25);
    assert.equal(value(m.text, `tandem_node_serving${labels("")}`), 1);
    assert.ok(value(m.text, `tandem_journal_fsyncs_total${labels("")}`)! > 0, "fsyncs are counted");
    assert.ok(value(m.text, `process_resident_memory_bytes${labels("")}`)! > 10_000_000);
    if (spawnSync(PROMTOOL, ["--version"]).status === 0) {
      const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: m.text });
      assert.equal(check.status, 0, `promtool: ${check.stdout.toString()}${check.stderr.toString()}`);
    }
    // The per-destination limit keeps the deepest.
    const one = await scrape(b, "?max_destinations=1");
    assert.match(one.text, /metrics\.orders/);
    assert.doesNotMatch(one.text, /metrics\.other/);
    assert.equal((await scrape(b, "?max_destinations=x")).status, 400);
  });

  test("a real Prometheus scrapes the node and answers a PromQL query for the queue's depth", { skip: spawnSync(PROMETHEUS, ["--version"]).status !== 0 && "Debian's prometheus is not installed" }, async () => {
    const [port] = await freePorts(1);
    await writeFile(path.join(dir, "token"), b.adminToken!, { mode: 0o600 });
    await writeFile(
      path.join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s }",
        "scrape_configs:",
        "  - job_name: tandem",
        "    authorization: { credentials_file: " + JSON.stringify(path.join(dir, "token")) + " }",
        `    static_configs: [ { targets: [ "127.0.0.1:${b.adminPort}" ] } ]`,
      ].join("\n"),
    );
    prometheus = spawn(PROMETHEUS, [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    const q = encodeURIComponent('tandem_destination_messages{destination="/queue/metrics.orders"}');
    const deadline = Date.now() + 60_000;
    let answer: number | null = null;
    while (Date.now() < deadline && answer === null) {
      await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${q}`).catch(() => null);
      if (!res?.ok) continue;
      const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
      if (body.data.result.length > 0) answer = Number(body.data.result[0]!.value[1]);
    }
    assert.equal(answer, 25);
  });
});

/** A default label's value, read off tandem_node_info. */
function label(text: string, name: string): string {
  return new RegExp(`tandem_node_info\\{[^}]*\\b${name}="([^"]*)"`).exec(text)![1]!;
}
