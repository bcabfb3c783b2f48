// The node admin API against a real broker process: browse, purge, create/delete, send, move
// (DLQ retry), connections, and hostile requests that must get a 4xx while the node lives on.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader, type StompTestClient } from "./support/stompClient";

const enc = encodeURIComponent;

async function api(b: BrokerProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`http://127.0.0.1:${b.adminPort}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${b.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

async function ok(b: BrokerProcess, method: string, path: string, body?: unknown): Promise<any> {
  const r = await api(b, method, path, body);
  assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Raw request, for bodies and paths fetch would not send as they are. */
function raw(b: BrokerProcess, method: string, path: string, body: string, contentType = "application/json"): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: b.adminPort!, method, path, headers: { authorization: `Bearer ${b.adminToken}`, "content-type": contentType } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function depth(b: BrokerProcess, dest: string): Promise<number> {
  return (await ok(b, "GET", `/destinations/${enc(dest)}`)).depth;
}

async function sendN(port: number, dest: string, n: number, size = 10): Promise<void> {
  const c = await connectStomp(port);
  for (let i = 0; i < n; i++) {
    c.sendFrame("SEND", [["destination", dest], ["persistent", "true"], ["n", String(i)]], `${i}:`.padEnd(size, "x"));
  }
  // Persistent: a non-persistent send while memory is full would pause this producer (flow control).
  await c.request("SEND", [["destination", "/queue/sync-marker"], ["persistent", "true"]], "");
  await c.disconnect();
}

async function drain(c: StompTestClient, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = await c.expect("MESSAGE");
    out.push(getHeader(m, "n") ?? m.body.toString());
  }
  return out;
}

describe("admin API", () => {
  let b: BrokerProcess;
  before(async () => {
    // A small memory limit makes part of a backlog page out to the journal: browsing must show those too.
    b = await startBroker({ policy: { memoryLimit: "64kb", maxRedeliveries: 0 } });
  });
  after(async () => {
    await b?.stop();
    await b?.cleanup();
  });

  test("GET /node reports identity, role and usage", async () => {
    const n = await ok(b, "GET", "/node");
    assert.equal(n.nodeName, "mq1");
    assert.equal(n.groupName, "g");
    assert.equal(n.role, "standalone");
    assert.equal(n.memory.limit, 64 * 1024);
    assert.equal(typeof n.store.used, "number");
    assert.equal(n.security.enabled, false);
  });

  test("browsing pages through RAM and paged-out messages and never changes depth", async () => {
    await sendN(b.port, "/queue/browse", 300, 1000);
    const d0 = await depth(b, "/queue/browse");
    assert.equal(d0, 300);
    const row = (await ok(b, "GET", `/destinations?filter=browse&kind=queue`)).items.find((i: any) => i.name === "/queue/browse");
    assert.ok(row.spilled > 0, "part of the backlog is paged out");
    assert.ok(row.oldestMessageAgeMs !== null);
    const seen: string[] = [];
    for (let offset = 0; offset < 300; offset += 128) {
      const page = await ok(b, "GET", `/destinations/${enc("/queue/browse")}/messages?offset=${offset}&limit=128`);
      assert.equal(page.total, 300);
      for (const m of page.items) seen.push(m.headers.n);
    }
    assert.deepEqual(seen, Array.from({ length: 300 }, (_, i) => String(i)), "every message once, in order");
    const last = (await ok(b, "GET", `/destinations/${enc("/queue/browse")}/messages?offset=299&limit=1`)).items[0];
    assert.equal(last.inMemory, false);
    const detail = await ok(b, "GET", `/destinations/${enc("/queue/browse")}/messages/${enc(last.id)}`);
    assert.ok(detail.bodyText.startsWith("299:"));
    assert.equal(Buffer.from(detail.bodyBase64, "base64").toString(), detail.bodyText);
    const filtered = await ok(b, "GET", `/destinations/${enc("/queue/browse")}/messages?selector=${enc("n >= 290")}&limit=1000`);
    assert.equal(filtered.total, 10);
    assert.equal(await depth(b, "/queue/browse"), 300, "browsing consumed nothing");
    // And a consumer still gets all 300.
    const c = await connectStomp(b.port);
    c.sendFrame("SUBSCRIBE", [["destination", "/queue/browse"], ["id", "1"], ["ack", "auto"]]);
    assert.equal((await drain(c, 300)).length, 300);
    await c.disconnect();
  });

  test("create is idempotent, delete removes, purge answers with the count", async () => {
    assert.deepEqual(await ok(b, "POST", "/destinations", { destination: "/queue/made" }), { destination: "/queue/made", created: true });
    assert.deepEqual(await ok(b, "POST", "/destinations", { destination: "/queue/made" }), { destination: "/queue/made", created: false });
    assert.equal((await ok(b, "POST", "/destinations", { destination: "/topic/made" })).created, true);
    await sendN(b.port, "/queue/made", 7);
    assert.deepEqual(await ok(b, "POST", `/destinations/${enc("/queue/made")}/purge`), { destination: "/queue/made", purged: 7 });
    assert.equal(await depth(b, "/queue/made"), 0);
    await sendN(b.port, "/queue/made", 2);
    // A destination with a consumer is not deleted from under it.
    const c = await connectStomp(b.port);
    await c.request("SUBSCRIBE", [["destination", "/queue/busy"], ["id", "1"]]);
    assert.equal((await api(b, "DELETE", `/destinations/${enc("/queue/busy")}`)).status, 409);
    await c.disconnect();
    assert.deepEqual(await ok(b, "DELETE", `/destinations/${enc("/queue/made")}`), { destination: "/queue/made", deleted: true, purged: 2 });
    assert.deepEqual(await ok(b, "DELETE", `/destinations/${enc("/queue/made")}`), { destination: "/queue/made", deleted: false, purged: 0 });
    assert.equal((await api(b, "GET", `/destinations/${enc("/queue/made")}`)).status, 404);
  });

  test("send through the API reaches a STOMP consumer with its headers", async () => {
    const sent = await ok(b, "POST", `/destinations/${enc("/queue/api-send")}/messages`, { headers: { "x-tag": "t1" }, body: "aGVsbG8=", bodyEncoding: "base64" });
    assert.equal(sent.persistent, true);
    const c = await connectStomp(b.port);
    c.sendFrame("SUBSCRIBE", [["destination", "/queue/api-send"], ["id", "1"]]);
    const m = await c.expect("MESSAGE");
    assert.equal(m.body.toString(), "hello");
    assert.equal(getHeader(m, "x-tag"), "t1");
    assert.equal(getHeader(m, "message-id"), sent.id);
    await c.disconnect();
  });

  test("move from the DLQ back redelivers exactly the moved messages", async () => {
    await sendN(b.port, "/queue/work", 6);
    // maxRedeliveries=0: a NACK sends each message straight to DLQ.work.
    const c = await connectStomp(b.port);
    c.sendFrame("SUBSCRIBE", [["destination", "/queue/work"], ["id", "1"], ["ack", "client-individual"]]);
    for (let i = 0; i < 6; i++) c.sendFrame("NACK", [["id", getHeader(await c.expect("MESSAGE"), "ack")!]]);
    await c.request("UNSUBSCRIBE", [["id", "1"]]);
    // The admin API is another channel than the consumer's socket: poll (bounded) for the six.
    const until = Date.now() + 15_000;
    while (Date.now() < until && (await depth(b, "/queue/DLQ.work")) < 6) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await depth(b, "/queue/DLQ.work"), 6);

    const dlq = (await ok(b, "GET", `/destinations/${enc("/queue/DLQ.work")}/messages`)).items;
    const pick = dlq.filter((m: any) => m.headers.n === "1" || m.headers.n === "4").map((m: any) => m.id);
    const moved = await ok(b, "POST", `/destinations/${enc("/queue/DLQ.work")}/move`, { to: "/queue/work", messageIds: [...pick, "ID:not-there"] });
    assert.equal(moved.moved, 2);
    assert.equal(await depth(b, "/queue/DLQ.work"), 4);
    // Moving the same ids again does nothing: they are gone from the DLQ.
    assert.equal((await ok(b, "POST", `/destinations/${enc("/queue/DLQ.work")}/move`, { to: "/queue/work", messageIds: pick })).moved, 0);
    // A copy leaves the source as it was.
    const copied = await ok(b, "POST", `/destinations/${enc("/queue/DLQ.work")}/move`, { to: "/queue/copies", selector: "n = '0'", copy: true });
    assert.equal(copied.moved, 1);
    assert.equal(await depth(b, "/queue/DLQ.work"), 4);

    c.sendFrame("SUBSCRIBE", [["destination", "/queue/work"], ["id", "2"], ["ack", "auto"]]);
    assert.deepEqual((await drain(c, 2)).sort(), ["1", "4"]);
    await c.request("UNSUBSCRIBE", [["id", "2"]]);
    assert.equal(await depth(b, "/queue/work"), 0, "nothing else came back");
    await c.disconnect();
  });

  test("moves and purges survive a crash (journaled)", async () => {
    await ok(b, "POST", `/destinations/${enc("/queue/DLQ.work")}/move`, { to: "/queue/retry", all: true });
    assert.equal(await depth(b, "/queue/retry"), 4);
    await b.kill9();
    const again = await startBroker({ dataDir: b.dataDir, policy: { memoryLimit: "64kb", maxRedeliveries: 0 } });
    b = again;
    assert.equal(await depth(b, "/queue/retry"), 4);
    assert.equal((await api(b, "GET", `/destinations/${enc("/queue/DLQ.work")}`)).status, 404, "the DLQ came back empty");
    assert.equal((await api(b, "GET", `/destinations/${enc("/queue/made")}`)).status, 404, "the deleted queue stayed deleted");
  });

  test("connections are listed with subscriptions and can be closed with admin_close", async () => {
    const c = await connectStomp(b.port, { headers: [["client-id", "watch-me"]] });
    await c.request("SUBSCRIBE", [["destination", "/queue/watched"], ["id", "w1"]]);
    const list = await ok(b, "GET", `/connections?filter=watch-me`);
    assert.equal(list.total, 1);
    const conn = list.items[0];
    assert.equal(conn.subscriptions[0].destination, "/queue/watched");
    const subs = await ok(b, "GET", `/subscriptions?filter=${enc("/queue/watched")}`);
    assert.equal(subs.items[0].connectionId, conn.id);
    assert.deepEqual(await ok(b, "DELETE", `/connections/${enc(conn.id)}`), { id: conn.id, closed: true });
    const e = await c.expect("ERROR");
    assert.match(getHeader(e, "message") ?? "", /administrator/);
    await c.waitClosed();
    assert.deepEqual(await ok(b, "DELETE", `/connections/${enc(conn.id)}`), { id: conn.id, closed: false });
    assert.equal((await ok(b, "GET", "/node")).closedConnections.admin_close, 1);
  });

  test("bad requests get a 4xx with a reason and the node lives on", async () => {
    const cases: Array<[string, string, string | undefined, number, string?]> = [
      ["POST", "/api/v1/destinations", "{not json", 400],
      ["POST", "/api/v1/destinations", JSON.stringify({ destination: "/queue/x", extra: 1 }), 400],
      ["POST", "/api/v1/destinations", JSON.stringify({ destination: "no-prefix" }), 400],
      ["POST", "/api/v1/destinations", JSON.stringify({ destination: "/temp-queue/x" }), 400],
      ["POST", "/api/v1/destinations", "[]", 400],
      ["POST", "/api/v1/destinations", "null", 400],
      ["POST", "/api/v1/destinations", "destination=/queue/x", 415, "text/plain"],
      ["GET", "/api/v1/destinations?limit=5000", undefined, 400],
      ["GET", "/api/v1/destinations?limit=-1", undefined, 400],
      ["GET", "/api/v1/destinations?sort=bogus", undefined, 400],
      ["GET", "/api/v1/destinations?offset=1&offset=2", undefined, 400],
      ["GET", "/api/v1/destinations?what=1", undefined, 400],
      ["GET", "/api/v1/destinations/%E0%A4%A/messages", undefined, 400],
      ["GET", `/api/v1/destinations/${enc("/queue/nope")}/messages`, undefined, 404],
      ["GET", `/api/v1/destinations/${enc("/topic/made")}/messages`, undefined, 400],
      ["GET", `/api/v1/destinations/${enc("/queue/retry")}/messages?selector=${enc("((")}`, undefined, 400],
      ["POST", `/api/v1/destinations/${enc("/queue/retry")}/move`, JSON.stringify({ to: "/queue/x", all: true, messageIds: ["a"] }), 400],
      ["POST", `/api/v1/destinations/${enc("/queue/retry")}/move`, JSON.stringify({ to: "/queue/retry", all: true }), 400],
      ["POST", `/api/v1/destinations/${enc("/queue/retry")}/move`, JSON.stringify({ to: "bad", all: true }), 400],
      ["POST", `/api/v1/destinations/${enc("/queue/retry")}/messages`, JSON.stringify({ headers: { "message-id": "forged" }, body: "x" }), 400],
      ["POST", `/api/v1/destinations/${enc("/queue/retry")}/messages`, JSON.stringify({ body: 42 }), 400],
      ["POST", `/api/v1/destinations/${enc("/queue/retry")}/messages`, JSON.stringify({ priority: 99 }), 400],
      ["POST", `/api/v1/destinations/${enc("/topic/made")}/purge`, undefined, 400],
      ["DELETE", "/api/v1/destinations", undefined, 405],
      ["GET", "/api/v1/nothing-here", undefined, 404],
      ["GET", "/../../etc/passwd", undefined, 404],
    ];
    for (const [method, path, body, status, type] of cases) {
      const r = await raw(b, method, path, body ?? "", type);
      assert.equal(r.status, status, `${method} ${path} ${body ?? ""} → ${r.status} ${r.text}`);
      assert.ok(typeof JSON.parse(r.text).error === "string" && JSON.parse(r.text).error.length > 0, "a reason is given");
    }
    const tooBig = await raw(b, "POST", `/api/v1/destinations/${enc("/queue/retry")}/messages`, JSON.stringify({ body: "x".repeat(17 * 1024 * 1024) }));
    assert.equal(tooBig.status, 413);
    assert.equal(b.child.exitCode, null, "the node is still running");
    assert.equal((await ok(b, "GET", "/node")).nodeName, "mq1");
    assert.equal(await depth(b, "/queue/retry"), 4, "nothing changed");
    const c = await connectStomp(b.port);
    await c.request("SEND", [["destination", "/queue/retry"]], "still serving");
    await c.disconnect();
  });
});
