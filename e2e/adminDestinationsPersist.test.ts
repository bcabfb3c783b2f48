// Destinations created explicitly through the admin API are journaled: they exist, empty, after
// a restart (and so on a new master after failover); a deleted one stays deleted.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";

const started: BrokerProcess[] = [];
after(async () => {
  for (const b of started) await b.stop();
  await started[0]?.cleanup();
});

async function api(b: BrokerProcess, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${b.adminPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${b.adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: HTTP ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function names(b: BrokerProcess): Promise<string[]> {
  const page = await api(b, "GET", "/api/v1/destinations?limit=100");
  return (page.items as Array<{ name: string }>).map((d) => d.name).sort();
}

test("explicitly created destinations survive a restart; deleted ones do not come back", async () => {
  const b = await startBroker();
  started.push(b);
  await api(b, "POST", "/api/v1/destinations", { destination: "/queue/orders.new" });
  await api(b, "POST", "/api/v1/destinations", { destination: "/topic/prices" });
  await api(b, "POST", "/api/v1/destinations", { destination: "/queue/doomed" });
  await api(b, "DELETE", `/api/v1/destinations/${encodeURIComponent("/queue/doomed")}`);
  assert.deepEqual(await names(b), ["/queue/orders.new", "/topic/prices"]);
  await b.stop();
  const again = await startBroker({ dataDir: b.dataDir });
  started.push(again);
  assert.deepEqual(await names(again), ["/queue/orders.new", "/topic/prices"]);
});
