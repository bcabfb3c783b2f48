// Authentication and authorization end to end: a real broker process with users and
// authorizationEntries in its cluster file, real STOMP sockets, and the admin API's bearer token.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hashPassword } from "../server/runtime/security/passwordHash";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader, StompTestClient } from "./support/stompClient";

// Cheap scrypt parameters: the check is the same code path, the test just runs faster.
const FAST = { N: 1024, r: 8, p: 1 };

/** CONNECT with credentials; returns the first frame the broker answers with and the client. */
async function tryConnect(port: number, login?: string, passcode?: string): Promise<{ frame: string; message: string; client: StompTestClient }> {
  const c = await StompTestClient.open(port);
  const headers: Array<[string, string]> = [["accept-version", "1.2"], ["host", "localhost"]];
  if (login !== undefined) headers.push(["login", login]);
  if (passcode !== undefined) headers.push(["passcode", passcode]);
  c.sendFrame("CONNECT", headers);
  const f = await c.nextFrame();
  return { frame: f.command, message: getHeader(f, "message") ?? "", client: c };
}

async function admin(b: BrokerProcess, method: string, path: string, body?: unknown, token = b.adminToken): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`http://127.0.0.1:${b.adminPort}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

describe("security: STOMP auth matrix and admin token", () => {
  let b: BrokerProcess;

  before(async () => {
    b = await startBroker({
      // This suite fails logins on purpose, all from 127.0.0.1; the per-address back-off has its own test.
      policy: { loginFailuresPerAddress: 100 },
      cluster: {
        users: [
          { username: "app", passwordHash: await hashPassword("app-pw", FAST), groups: ["apps"] },
          { username: "reader", passwordHash: await hashPassword("reader-pw", FAST), groups: ["readers"] },
          { username: "ops", passwordHash: await hashPassword("ops-pw", FAST), groups: ["admins"] },
        ],
        authorizationEntries: [
          { destination: "/queue/orders.>", read: ["apps", "readers"], write: ["apps"], admin: ["admins"] },
          { destination: "/queue/>", read: ["admins"], write: ["admins"], admin: ["admins"] },
        ],
      },
    });
    for (const d of ["/queue/orders.eu", "/queue/billing"]) assert.equal((await admin(b, "POST", "/destinations", { destination: d })).status, 200);
  });

  after(async () => {
    await b?.stop();
    await b?.cleanup();
  });

  test("the right user connects, sends and consumes on its destination", async () => {
    const producer = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
    await producer.request("SEND", [["destination", "/queue/orders.eu"]], "order-1");
    const consumer = await connectStomp(b.port, { headers: [["login", "reader"], ["passcode", "reader-pw"]] });
    consumer.sendFrame("SUBSCRIBE", [["destination", "/queue/orders.eu"], ["id", "s1"], ["ack", "auto"]]);
    const m = await consumer.expect("MESSAGE");
    assert.equal(m.body.toString(), "order-1");
    await producer.disconnect();
    await consumer.disconnect();
  });

  test("wrong password, unknown user and missing login are refused with a reason and closed", async () => {
    for (const [login, pass] of [["app", "wrong"], ["ghost", "app-pw"], [undefined, undefined], ["app", undefined]] as const) {
      const r = await tryConnect(b.port, login, pass);
      assert.equal(r.frame, "ERROR", `${login}/${pass}`);
      assert.match(r.message, /Authentication failed/);
      await r.client.waitClosed();
    }
    // Wrong password and unknown user read the same: no user enumeration.
    const a = await tryConnect(b.port, "app", "nope");
    const u = await tryConnect(b.port, "nobody", "nope");
    assert.equal(a.message, u.message);
    // Refusals are logged.
    await b.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("authentication refused"));
  });

  test("no permission for the destination: ERROR that names user, action and destination", async () => {
    const c = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
    c.sendFrame("SEND", [["destination", "/queue/billing"], ["receipt", "r1"]], "x");
    const e = await c.expect("ERROR");
    assert.match(getHeader(e, "message") ?? "", /User app is not authorized to write \/queue\/billing/);
    await c.waitClosed();

    const reader = await connectStomp(b.port, { headers: [["login", "reader"], ["passcode", "reader-pw"]] });
    reader.sendFrame("SEND", [["destination", "/queue/orders.eu"]], "x");
    assert.match(getHeader(await reader.expect("ERROR"), "message") ?? "", /not authorized to write/);
    await reader.waitClosed();

    const sub = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
    sub.sendFrame("SUBSCRIBE", [["destination", "/queue/billing"], ["id", "1"]]);
    assert.match(getHeader(await sub.expect("ERROR"), "message") ?? "", /not authorized to read \/queue\/billing/);
    await sub.waitClosed();
    await b.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("not authorized"));
  });

  test("creating a destination by use needs admin; the admin group may", async () => {
    const app = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
    app.sendFrame("SEND", [["destination", "/queue/orders.new"]], "x");
    assert.match(getHeader(await app.expect("ERROR"), "message") ?? "", /not authorized to create \/queue\/orders\.new/);
    await app.waitClosed();
    const ops = await connectStomp(b.port, { headers: [["login", "ops"], ["passcode", "ops-pw"]] });
    await ops.request("SEND", [["destination", "/queue/orders.new"]], "x");
    await ops.disconnect();
    // Now it exists, the app group may write to it.
    const again = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
    await again.request("SEND", [["destination", "/queue/orders.new"]], "y");
    await again.disconnect();
  });

  test("temporary destinations work for an authenticated user without an entry", async () => {
    const c = await connectStomp(b.port, { headers: [["login", "reader"], ["passcode", "reader-pw"]] });
    c.sendFrame("SUBSCRIBE", [["destination", "/temp-queue/replies"], ["id", "t"]]);
    await c.request("SEND", [["destination", "/temp-queue/replies"]], "pong");
    assert.equal((await c.expect("MESSAGE")).body.toString(), "pong");
    await c.disconnect();
  });

  test("admin API: no token or a wrong one gets 401, the right one 200, and refusals are counted", async () => {
    assert.equal((await admin(b, "GET", "/node", undefined, null)).status, 401);
    assert.equal((await admin(b, "GET", "/node", undefined, "x".repeat(43))).status, 401);
    assert.equal((await admin(b, "POST", "/destinations", { destination: "/queue/evil" }, "wrong")).status, 401);
    const r401 = await fetch(`http://127.0.0.1:${b.adminPort}/api/v1/node`, { headers: { authorization: `Basic ${Buffer.from(`ops:ops-pw`).toString("base64")}` } });
    assert.equal(r401.status, 401, "STOMP credentials are not admin API credentials");
    assert.equal((await admin(b, "GET", "/destinations/%2Fqueue%2Fevil")).status, 404, "the refused create did nothing");
    const node = await admin(b, "GET", "/node");
    assert.equal(node.status, 200);
    assert.equal(node.json.security.enabled, true);
    assert.equal(node.json.security.users, 3);
    assert.ok(node.json.closedConnections.auth_failed >= 4);
    assert.ok(node.json.closedConnections.not_authorized >= 3);
  });

  test("the cluster file refuses a plaintext password", async () => {
    await assert.rejects(
      startBroker({ cluster: { users: [{ username: "u", passwordHash: "plaintext-secret", groups: [] }] } }),
      /passwordHash must be a scrypt hash/,
    );
  });
});

describe("security: anonymous access", () => {
  test("allowAnonymous lets a login-less client in as the anonymous group only", async () => {
    const b = await startBroker({
      cluster: {
        allowAnonymous: true,
        users: [{ username: "ops", passwordHash: await hashPassword("ops-pw", FAST), groups: ["admins"] }],
        authorizationEntries: [
          { destination: "/topic/public.>", read: ["anonymous"], write: ["admins"], admin: ["anonymous", "admins"] },
          { destination: "/queue/>", read: ["admins"], write: ["admins"], admin: ["admins"] },
        ],
      },
    });
    try {
      const anon = await connectStomp(b.port);
      await anon.request("SUBSCRIBE", [["destination", "/topic/public.news"], ["id", "n"]]);
      const ops = await connectStomp(b.port, { headers: [["login", "ops"], ["passcode", "ops-pw"]] });
      await ops.request("SEND", [["destination", "/topic/public.news"]], "hello");
      assert.equal((await anon.expect("MESSAGE")).body.toString(), "hello");
      anon.sendFrame("SEND", [["destination", "/topic/public.news"]], "spam");
      assert.match(getHeader(await anon.expect("ERROR"), "message") ?? "", /User anonymous is not authorized to write/);
      const bad = await tryConnect(b.port, "ops", "wrong");
      assert.equal(bad.frame, "ERROR", "a failed login is not downgraded to anonymous");
      await ops.disconnect();
    } finally {
      await b.stop();
      await b.cleanup();
    }
  });
});
