// The REST mount over real HTTP with the real services and database (no cluster): 401 with the
// reason and WWW-Authenticate vs 403, session cookies ignored, the token's last use recorded,
// mutations audited under the token's name, one error body for unknown routes too.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { pino } from "pino";
import { createApiTestHarness, type ApiTestHarness } from "../apiTestHarness";
import { appRouter, procedurePermissions } from "../root";
import { createRestHandler } from "./createRestHandler";

let h: ApiTestHarness;
let server: Server;
let base = "";
const tokens: Record<string, string> = {};

before(async () => {
  h = await createApiTestHarness();
  for (const [username, role] of [["vera", "viewer"], ["otto", "operator"], ["ada", "admin"]] as const) {
    await h.services.auth.createUser(username, role);
    const owner = { kind: "session" as const, userId: (await h.prisma.user.findUniqueOrThrow({ where: { username } })).id, username, role, label: username, mustChangePassword: false, canReadBodies: true };
    tokens[role] = (await h.services.auth.createApiToken(owner, `${role}-bot`, role, 1)).token;
  }
  const rest = createRestHandler({ router: appRouter, services: h.services, permissions: procedurePermissions(appRouter), logger: pino({ level: "silent" }), version: "test" });
  server = createServer((req, res) => {
    if (!rest(req, res)) res.writeHead(418).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  await h.close();
});

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}
const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

test("only /api/v1 is claimed; the document is served", async () => {
  assert.equal((await fetch(`${base}/api/v1x`)).status, 418);
  assert.equal((await fetch(`${base}/api/trpc/auth.me`)).status, 418);
  const doc = await call("GET", "/api/v1/openapi.json");
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, "3.1.0");
});

test("401 says why and names the scheme; a session cookie is not a credential here", async () => {
  const login = await h.services.auth.login("ada", (await h.services.auth.resetPassword({ kind: "session", userId: 0, username: "root", role: "admin", label: "root", mustChangePassword: false, canReadBodies: true }, "ada")).password, { ip: null, userAgent: null });
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{}, /send an API token/],
    [{ authorization: "Basic YWRhOng=" }, /must be `Bearer <token>`/],
    [bearer("tdm_unknown"), /unknown, expired or revoked/],
    [{ cookie: `tandem_session=${login.token}`, "x-tandem-csrf": "1" }, /send an API token/],
  ];
  for (const [headers, message] of cases) {
    const r = await call("POST", "/api/v1/alerts/silences", headers, { matchers: { a: "b" }, durationMinutes: 5 });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.body.code, "UNAUTHORIZED");
    assert.match(String(r.body.message), message);
    assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer realm=/);
  }
});

test("403 for a role too low, 200 when enough; audited as the token with its outcome; last use recorded", async () => {
  const body = { matchers: { alertname: "NodeDown" }, durationMinutes: 5, comment: "maintenance" };
  const denied = await call("POST", "/api/v1/alerts/silences", bearer(tokens.viewer!), body);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.code, "FORBIDDEN");
  assert.equal(denied.headers.get("www-authenticate"), null);
  const ok = await call("POST", "/api/v1/alerts/silences", bearer(tokens.operator!), body);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.createdBy, "otto");
  const audit = await call("GET", "/api/v1/audit?action=alerts.createSilence", bearer(tokens.admin!));
  const rows = audit.body.items as Array<{ actor: string; result: string }>;
  assert.deepEqual(rows.filter((r) => r.actor.startsWith("token:")).map((r) => [r.actor, r.result]), [["token:operator-bot@otto", "ok"], ["token:viewer-bot@vera", "FORBIDDEN"]]);
  // The four refused anonymous attempts of the previous test are on record too.
  assert.equal(rows.filter((r) => r.actor === "anonymous" && r.result === "UNAUTHORIZED").length, 4);
  const mine = await call("GET", "/api/v1/tokens", bearer(tokens.operator!));
  assert.notEqual((mine.body.items as Array<{ lastUsedAt: string | null }>)[0]!.lastUsedAt, null);
});

test("unknown routes and bad input answer the same error body", async () => {
  const none = await call("GET", "/api/v1/no/such/thing", bearer(tokens.viewer!));
  assert.equal(none.status, 404);
  assert.equal(none.body.code, "NOT_FOUND");
  const bad = await call("GET", "/api/v1/tokens?page_size=0", bearer(tokens.viewer!));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, "BAD_REQUEST");
  assert.ok(Array.isArray(bad.body.issues));
  // Bodies past the adapter's 100 KB default reach validation (send takes 4 MiB messages)...
  const big = await call("POST", "/api/v1/alerts/silences", bearer(tokens.operator!), { matchers: { a: "b" }, durationMinutes: 5, comment: "x".repeat(500_000) });
  assert.equal(big.status, 400);
  assert.equal(big.body.code, "BAD_REQUEST");
  // ...and past MAX_BODY_BYTES they are refused before parsing.
  const huge = await call("POST", "/api/v1/alerts/silences", bearer(tokens.operator!), { matchers: { a: "b" }, durationMinutes: 5, comment: "x".repeat(9 * 1024 * 1024) });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.code, "PAYLOAD_TOO_LARGE");
});
