import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import type { SecurityConfig } from "../../config/securitySchema";
import { openAccess } from "../stomp/openAccess";
import { hashPassword } from "./passwordHash";
import { createAccessControl, SecurityAccess } from "./SecurityAccess";

const logger = pino({ level: "silent" });
const FAST = { N: 1024, r: 8, p: 1 };

async function config(extra: Partial<SecurityConfig> = {}): Promise<SecurityConfig> {
  return {
    users: [
      { username: "app", passwordHash: await hashPassword("app-pw", FAST), groups: ["apps"] },
      { username: "ops", passwordHash: await hashPassword("ops-pw", FAST), groups: ["admins"] },
    ],
    authorizationEntries: [
      { destination: "/queue/orders.>", read: ["apps"], write: ["apps"], admin: ["admins"] },
      { destination: "/queue/>", read: ["admins"], write: ["admins"], admin: ["admins"] },
      { destination: "/topic/public.*", read: ["*"], write: [], admin: [] },
    ],
    ...extra,
  };
}

test("authenticate: right, wrong, unknown and missing credentials", async () => {
  const a = new SecurityAccess({ config: await config(), logger });
  assert.deepEqual(await a.authenticate("app", "app-pw"), { user: "app", groups: ["apps"] });
  // The second success comes from the HMAC cache and must agree with the first.
  assert.deepEqual(await a.authenticate("app", "app-pw"), { user: "app", groups: ["apps"] });
  assert.equal(typeof await a.authenticate("app", "wrong"), "string");
  assert.equal(typeof await a.authenticate("app", undefined), "string");
  assert.equal(typeof await a.authenticate("nobody", "app-pw"), "string");
  assert.equal(typeof await a.authenticate(undefined, undefined), "string");
  // Wrong and unknown give the same text: no user enumeration.
  assert.equal(await a.authenticate("app", "wrong"), await a.authenticate("nobody", "x"));
});

test("anonymous is refused by default and allowed, in the anonymous group, when configured", async () => {
  const strict = new SecurityAccess({ config: await config(), logger });
  assert.equal(typeof await strict.authenticate(undefined, undefined), "string");
  const lax = new SecurityAccess({ config: await config({ allowAnonymous: true }), logger });
  const anon = await lax.authenticate(undefined, undefined);
  assert.deepEqual(anon, { user: null, groups: ["anonymous"] });
  // A login that fails is never downgraded to anonymous.
  assert.equal(typeof await lax.authenticate("app", "nope"), "string");
  assert.equal(lax.authorize(anon as never, "read", "/topic/public.news"), null);
  assert.notEqual(lax.authorize(anon as never, "read", "/queue/orders.a"), null);
});

test("authorize: the union of matching entries decides; no entry means no", async () => {
  const a = new SecurityAccess({ config: await config(), logger, exists: () => true });
  const app = { user: "app", groups: ["apps"] };
  const ops = { user: "ops", groups: ["admins"] };
  assert.equal(a.authorize(app, "write", "/queue/orders.eu"), null);
  assert.equal(a.authorize(app, "read", "/queue/orders.eu.new"), null);
  assert.match(a.authorize(app, "write", "/queue/billing") ?? "", /not authorized to write \/queue\/billing/);
  assert.equal(a.authorize(ops, "read", "/queue/orders.eu"), null, "ops is allowed through the /queue/> entry");
  assert.notEqual(a.authorize(app, "read", "/topic/other"), null);
  assert.equal(a.authorize(app, "read", "/topic/public.news"), null);
  assert.notEqual(a.authorize(app, "write", "/topic/public.news"), null);
});

test("creating a destination that does not exist needs admin", async () => {
  const existing = new Set(["/queue/orders.eu"]);
  const a = new SecurityAccess({ config: await config(), logger, exists: (d) => existing.has(d) });
  const app = { user: "app", groups: ["apps"] };
  assert.equal(a.authorize(app, "write", "/queue/orders.eu"), null);
  assert.match(a.authorize(app, "write", "/queue/orders.us") ?? "", /not authorized to create/);
  assert.equal(a.authorize({ user: "ops", groups: ["admins"] }, "write", "/queue/orders.us"), null);
});

test("temporary destinations are open to authenticated users unless an entry covers them", async () => {
  const a = new SecurityAccess({ config: await config(), logger, exists: () => false });
  assert.equal(a.authorize({ user: "app", groups: ["apps"] }, "write", "/temp-queue/mq1-1.replies"), null);
  const b = new SecurityAccess({
    config: await config({ authorizationEntries: [{ destination: "/temp-queue/>", read: ["admins"], write: ["admins"], admin: ["admins"] }] }),
    logger,
  });
  assert.notEqual(b.authorize({ user: "app", groups: ["apps"] }, "write", "/temp-queue/mq1-1.replies"), null);
});

test("no users configured keeps open access", async () => {
  const access = createAccessControl({ config: {}, logger }, openAccess);
  assert.deepEqual(await access.authenticate(undefined, undefined), { user: null, groups: [] });
  assert.equal(access.authorize({ user: null, groups: [] }, "admin", "/queue/x"), null);
  assert.ok(createAccessControl({ config: await config(), logger }, openAccess) instanceof SecurityAccess);
});

test("remembered group unions answer like fresh ones, per action, past the memo's bound too", async () => {
  const a = new SecurityAccess({ config: await config(), logger });
  const app = { user: "app", groups: ["apps"] };
  for (let round = 0; round < 2; round++) {
    // Same destination, different actions: each action keeps its own answer.
    assert.equal(a.authorize(app, "write", "/queue/orders.eu"), null);
    assert.match(a.authorize(app, "admin", "/queue/orders.eu") ?? "", /not authorized to admin/);
    assert.match(a.authorize(app, "write", "/queue/billing") ?? "", /not authorized to write/);
  }
  // More distinct destinations than the memo holds: answers stay right after it is cleared.
  for (let i = 0; i < 10_050; i++) assert.equal(a.authorize(app, "read", `/queue/orders.n${i}`), null);
  assert.match(a.authorize(app, "read", "/queue/other") ?? "", /not authorized to read/);
  assert.equal(a.authorize(app, "read", "/queue/orders.n0"), null);
});

test("a password check runs off the event loop: timers keep firing while it is in progress", async () => {
  // Real cost parameters (30-100 ms per check): the old synchronous check let no timer run.
  const real = { users: [{ username: "app", passwordHash: await hashPassword("app-pw"), groups: [] }] };
  const a = new SecurityAccess({ config: real, logger });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const results = await Promise.all([a.authenticate("app", "wrong"), a.authenticate("nobody", "x"), a.authenticate("app", "bad")]);
    for (const r of results) assert.equal(typeof r, "string");
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks > 0, "the event loop ran timers during three scrypt checks");
});
