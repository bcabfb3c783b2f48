// The long-poll of GET /api/v1/node against a real node process, through the console's typed
// client (issue #12: an idle node costs the console one request per hold, a change arrives at
// once). The node checks its answers against the contract (TANDEM_ADMIN_CHECK_RESPONSES=1).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AdminCallError } from "../server/console/admin/AdminCallError";
import { AdminClient } from "../server/console/admin/AdminClient";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, type StompTestClient } from "./support/stompClient";

describe("GET /api/v1/node long-poll: a real node", () => {
  let b: BrokerProcess;
  let admin: AdminClient;
  const clients: StompTestClient[] = [];

  before(async () => {
    b = await startBroker();
    admin = new AdminClient({ token: b.adminToken!, urlOf: () => `http://127.0.0.1:${b.adminPort}` });
    await admin.createDestination("mq1", "/queue/lp");
  });
  after(async () => {
    for (const c of clients) await c.disconnect().catch(() => undefined);
    await b?.stop();
    await b?.cleanup();
  });

  /** Fingerprint of the node as it stands (two answers in a row agree: nothing else moves it). */
  async function settledShown(): Promise<string> {
    for (;;) {
      const a = (await admin.nodeInfo("mq1")).shown;
      const c = (await admin.nodeInfo("mq1")).shown;
      assert.ok(a !== undefined, "the node sends its fingerprint");
      if (a === c) return a;
    }
  }

  test("while nothing changes the node holds the answer for the wait asked, then answers the same fingerprint", async () => {
    const shown = await settledShown();
    // An idle node's uptime and process memory move; they are not part of what a console shows.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await admin.nodeInfo("mq1")).shown, shown, "an idle node's fingerprint stays put");
    const t0 = Date.now();
    const info = await admin.nodeInfo("mq1", { wait: { changedFrom: shown, waitMs: 1500 } });
    assert.ok(Date.now() - t0 >= 1400, `held for the wait (answered after ${Date.now() - t0} ms)`);
    assert.equal(info.shown, shown);
  });

  test("a stale fingerprint is answered at once", async () => {
    const t0 = Date.now();
    const info = await admin.nodeInfo("mq1", { wait: { changedFrom: "not-what-it-shows", waitMs: 25_000 } });
    assert.ok(Date.now() - t0 < 20_000, "not held");
    assert.ok(info.shown !== undefined && info.shown !== "not-what-it-shows");
  });

  test("a held poll answers as soon as a message arrives, with a new fingerprint and the new counts", async () => {
    const shown = await settledShown();
    const t0 = Date.now();
    const held = admin.nodeInfo("mq1", { wait: { changedFrom: shown, waitMs: 25_000 } });
    held.catch(() => {}); // awaited below; a rejection there fails the test
    await new Promise((r) => setTimeout(r, 300));
    await admin.sendMessage("mq1", "/queue/lp", { body: "x" });
    const info = await held;
    assert.ok(Date.now() - t0 < 20_000, `answered on the change, not at the end of the hold (${Date.now() - t0} ms)`);
    assert.notEqual(info.shown, shown);
    assert.ok(info.messages.depth >= 1);
  });

  test("a consumer subscribing (no message moves) also ends the hold: the fingerprint covers each destination's consumers", async () => {
    const shown = await settledShown();
    const t0 = Date.now();
    const held = admin.nodeInfo("mq1", { wait: { changedFrom: shown, waitMs: 25_000 } });
    held.catch(() => {}); // awaited below; a rejection there fails the test
    const c = await connectStomp(b.port);
    clients.push(c);
    await c.request("SUBSCRIBE", [["destination", "/queue/lp-empty"], ["id", "s1"], ["ack", "client"]]);
    const info = await held;
    assert.ok(Date.now() - t0 < 20_000, `answered on the change (${Date.now() - t0} ms)`);
    assert.notEqual(info.shown, shown);
  });

  test("a wait beyond the node's limit, or an unknown parameter, is refused with INVALID_INPUT", async () => {
    for (const path of ["/api/v1/node?changedFrom=x&waitMs=999999", "/api/v1/node?waitMs=-1", "/api/v1/node?changedfrom=x"]) {
      const res = await fetch(`http://127.0.0.1:${b.adminPort}${path}`, { headers: { authorization: `Bearer ${b.adminToken}` } });
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as { code: string }).code, "INVALID_INPUT", path);
    }
  });

  test("the console abandoning a held poll gets ABORTED, and the node still answers the next one", async () => {
    const shown = await settledShown();
    const stop = new AbortController();
    const held = admin.nodeInfo("mq1", { signal: stop.signal, wait: { changedFrom: shown, waitMs: 25_000 } });
    held.catch(() => {}); // awaited below; a rejection there fails the test
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    await assert.rejects(held, (e: unknown) => e instanceof AdminCallError && e.code === "ABORTED");
    assert.equal((await admin.nodeInfo("mq1")).nodeName, "mq1");
  });
});
