// The admin contract end to end: a real broker process that checks every answer against its
// schema before sending it (TANDEM_ADMIN_CHECK_RESPONSES=1, set by startBroker), and the
// console's one AdminClient, which validates what it receives. Every endpoint is called with data
// behind it; every refusal arrives as a code of the closed set.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AdminCallError } from "../server/console/admin/AdminCallError";
import { AdminClient } from "../server/console/admin/AdminClient";
import { ADMIN_ERROR_CODES } from "../server/runtime/admin/adminErrorCodes";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, type StompTestClient } from "./support/stompClient";

async function refusal(p: Promise<unknown>): Promise<AdminCallError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AdminCallError, `expected an AdminCallError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a refusal, but the call succeeded");
}

describe("admin contract: a real node, the console's typed client", () => {
  let b: BrokerProcess;
  let admin: AdminClient;
  let consumer: StompTestClient;

  before(async () => {
    b = await startBroker();
    admin = new AdminClient({ token: b.adminToken!, urlOf: () => `http://127.0.0.1:${b.adminPort}` });
    consumer = await connectStomp(b.port);
    await consumer.request("SUBSCRIBE", [["destination", "/queue/held"], ["id", "s1"], ["ack", "client"]]);
  });
  after(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await b?.stop();
    await b?.cleanup();
  });

  test("every endpoint answers within the contract", async () => {
    const info = await admin.nodeInfo("mq1");
    assert.equal(info.serving, true);
    assert.equal((await admin.createDestination("mq1", "/queue/orders")).created, true);
    await admin.createDestination("mq1", "/topic/prices");
    const sent = await admin.sendMessage("mq1", "/queue/orders", { body: "hello", headers: { k: "v" } });
    await admin.sendMessage("mq1", "/queue/orders", { body: Buffer.from([0xff, 0x00]).toString("base64"), bodyEncoding: "base64" });
    const page = await admin.listDestinations("mq1", { sort: "depth", order: "desc" });
    assert.ok(page.items.some((d) => d.name === "/queue/orders" && d.depth === 2 && d.oldestMessageAgeMs !== null));
    assert.ok(page.items.some((d) => d.name === "/topic/prices" && d.kind === "topic"));
    assert.equal((await admin.listDestinations("mq1", { kind: "topic" })).items.every((d) => d.kind === "topic"), true);
    assert.equal((await admin.getDestination("mq1", "/queue/orders")).depth, 2);
    const browsed = await admin.browseMessages("mq1", "/queue/orders", { offset: 0, limit: 10 });
    assert.equal(browsed.total, 2);
    const text = await admin.getMessage("mq1", "/queue/orders", sent.id);
    assert.equal(text.bodyText, "hello");
    assert.deepEqual(text.headerList.find(([k]) => k === "k"), ["k", "v"]);
    const binary = await admin.getMessage("mq1", "/queue/orders", browsed.items[1]!.id);
    assert.equal(binary.bodyText, null);
    const moved = await admin.moveMessages("mq1", "/queue/orders", { to: "/queue/orders.retry", all: true });
    assert.equal(moved.moved, 2);
    assert.equal((await admin.purgeDestination("mq1", "/queue/orders.retry")).purged, 2);
    assert.equal((await admin.deleteDestination("mq1", "/queue/orders")).deleted, true);
    const conns = await admin.connections("mq1");
    assert.equal(conns.total, 1);
    assert.equal(conns.items[0]!.subscriptions[0]!.destination, "/queue/held");
    assert.equal((await admin.subscriptions("mq1")).items[0]!.connectionId, conns.items[0]!.id);
    const bridges = await admin.bridges("mq1");
    assert.deepEqual(bridges.bridges, []);
    assert.equal((await admin.closeConnection("mq1", "no-such-connection")).closed, false);

    // The change feed: everything from the start, then only what changed after the cursor.
    const all = await admin.destinationChanges("mq1");
    assert.equal(all.reset, false);
    assert.ok(all.items.some((d) => d.name === "/queue/held") && all.items.some((d) => d.name === "/topic/prices"));
    assert.equal((await admin.destinationChanges("mq1", { since: all.cursor })).items.length, 0, "nothing moved since");
    await admin.sendMessage("mq1", "/queue/orders.retry", { body: "again" });
    await admin.deleteDestination("mq1", "/topic/prices");
    const changed = await admin.destinationChanges("mq1", { since: all.cursor, limit: 1000 });
    assert.deepEqual({ items: changed.items.map((d) => [d.name, d.depth]), deleted: changed.deleted }, { items: [["/queue/orders.retry", 1]], deleted: ["/topic/prices"] });
    const paged = await admin.destinationChanges("mq1", { limit: 1 });
    assert.deepEqual([paged.items.length, paged.more], [1, true]);
    const foreign = await admin.destinationChanges("mq1", { since: "0123456789ab.5", limit: 1 });
    assert.equal(foreign.reset, true, "a cursor of another incarnation is answered as a full snapshot");
  });

  test("refusals carry a code of the closed set, whatever their wording", async () => {
    // Thunks: each call starts only when its turn comes (no promise waits unhandled).
    const cases: Array<[() => Promise<unknown>, AdminCallError["code"], number]> = [
      [() => admin.getDestination("mq1", "/queue/never-made"), "NO_DESTINATION", 404],
      [() => admin.getMessage("mq1", "/queue/held", "ID:nope"), "NO_MESSAGE", 404],
      [() => admin.browseMessages("mq1", "/queue/held", { offset: 0, limit: 10, selector: "((" }), "BAD_SELECTOR", 400],
      [() => admin.purgeDestination("mq1", "/topic/prices"), "BAD_DESTINATION", 400],
      [() => admin.deleteDestination("mq1", "/queue/held"), "IN_USE", 409],
      [() => admin.handover("mq1"), "NOT_MASTER", 409],
      [() => admin.restartBridge("mq1", "nope"), "NO_BRIDGE", 404],
      [() => admin.listDestinations("mq1", { sort: "nonsense" }), "INVALID_INPUT", 400],
      [() => admin.moveMessages("mq1", "/queue/held", { to: "/queue/x" }), "INVALID_INPUT", 400],
      [() => admin.destinationChanges("mq1", { limit: 1001 }), "INVALID_INPUT", 400],
    ];
    for (const [call, code, status] of cases) {
      const e = await refusal(call());
      assert.equal(e.code, code, e.message);
      assert.equal(e.status, status, e.message);
      assert.ok((ADMIN_ERROR_CODES as readonly string[]).includes(e.code));
    }
    const wrongToken = new AdminClient({ token: "wrong", urlOf: () => `http://127.0.0.1:${b.adminPort}` });
    assert.equal((await refusal(wrongToken.nodeInfo("mq1"))).code, "UNAUTHORIZED");
    const nobody = new AdminClient({ token: "x", urlOf: () => "http://127.0.0.1:1" });
    assert.equal((await refusal(nobody.nodeInfo("mq1"))).code, "NODE_UNREACHABLE");
  });

  test("an answer outside the contract is refused by the client, not passed on", async () => {
    // The node's /metrics is text, not the JSON of GET /api/v1/node: pointed there, the client must say so.
    const misrouted = new AdminClient({ token: b.adminToken!, urlOf: () => `http://127.0.0.1:${b.adminPort}/metrics?x=` });
    const e = await refusal(misrouted.nodeInfo("mq1"));
    assert.equal(e.code, "BAD_ANSWER");
  });
});
