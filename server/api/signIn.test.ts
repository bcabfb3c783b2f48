// Console sign-in hardening (issue #10) over a real SQLite database and the real tRPC procedures:
// lock-out with back-off per user and per source address, and sessions ended by password changes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { LoginThrottle } from "../console/auth/LoginThrottle";
import { createApiTestHarness, rejectsWith, type ApiTestHarness } from "./apiTestHarness";

describe("console sign-in: lock-out and sessions", () => {
  let h: ApiTestHarness;
  // The console's clock, moved by the test: the lock-out is about time, not about how fast this
  // machine runs the test.
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const adminPassword = "admin's long password";

  before(async () => {
    h = await createApiTestHarness({ now: () => new Date(clock) });
    const first = await h.services.auth.bootstrapAdmin();
    const p = await h.loginAs("admin", first!.password);
    await h.services.auth.changePassword(p.userId, first!.password, adminPassword);
    const admin = await h.loginAs("admin", adminPassword);
    for (const name of ["olga", "ursula"]) {
      const { oneTimePassword } = await h.caller(admin).users.create({ username: name, role: "operator" });
      const u = await h.loginAs(name, oneTimePassword);
      await h.services.auth.changePassword(u.userId, oneTimePassword, `${name}'s long password`);
    }
  });
  after(async () => h.close());

  test("40 wrong passwords then the right one: refused with TOO_MANY_REQUESTS, each refusal audited", async () => {
    const anon = h.caller(null);
    const results: string[] = [];
    // As the issue measured it: 40 wrong passwords at 1.5 per second, then the right one.
    for (let i = 0; i < 40; i++) {
      clock += 667;
      try {
        await anon.auth.login({ username: "olga", password: `guess ${i}` });
        results.push("ok");
      } catch (err) {
        results.push((err as { code: string }).code);
      }
    }
    // Five free tries; then locks of 1, 2, 4, 8, 16 s let only a few more through.
    assert.deepEqual(results.map((r, i) => (r === "UNAUTHORIZED" ? i : -1)).filter((i) => i >= 0), [0, 1, 2, 3, 4, 6, 9, 15, 27], results.join(","));
    assert.ok(!results.includes("ok"));
    clock += 667;
    const err = await rejectsWith(anon.auth.login({ username: "olga", password: "olga's long password" }), "TOO_MANY_REQUESTS", "LOCKED_OUT");
    assert.match(err.message, /too many failed logins: try again in \d+ s/);
    const audited = await h.prisma.auditLog.findMany({ where: { action: "auth.login", target: "olga" } });
    assert.equal(audited.filter((r) => r.result === "LOCKED_OUT").length, 32);
    assert.equal(audited.filter((r) => r.result === "INVALID_CREDENTIALS").length, 9);
    // Once the lock has run out, the right password works again.
    clock += 20 * 60_000;
    assert.equal((await anon.auth.login({ username: "olga", password: "olga's long password" })).username, "olga");
  });

  test("the lock follows the user and the address: another user from the same address still logs in until the address has too many failures", async () => {
    const throttle = new LoginThrottle(
      { freeFailuresPerUser: 3, freeFailuresPerAddress: 6, baseLockMs: 1000, maxLockMs: 8000, forgetAfterMs: 60_000, maxKeys: 100 },
      pino({ level: "silent" }),
      () => t,
    );
    let t = 0;
    for (let i = 0; i < 3; i++) throttle.failed("a", "10.0.0.1");
    assert.equal(throttle.retryAfterMs("a", "10.0.0.2"), 1000, "user a is locked from any address");
    assert.equal(throttle.retryAfterMs("b", "10.0.0.1"), 0, "user b from the same address is not (yet)");
    for (let i = 0; i < 3; i++) throttle.failed(`spray${i}`, "10.0.0.1");
    assert.equal(throttle.retryAfterMs("b", "10.0.0.1"), 1000, "six failures from one address lock the address");
    assert.equal(throttle.retryAfterMs("b", "10.0.0.3"), 0);
    // back-off: each further failure doubles the lock, up to the cap
    t = 5000;
    const locks = [1, 2, 3, 4, 5].map(() => throttle.failed("a", "10.0.0.9"));
    assert.deepEqual(locks, [2000, 4000, 8000, 8000, 8000]);
    t = 5000 + 8000;
    assert.equal(throttle.retryAfterMs("a", "10.0.0.9"), 0, "the lock ends");
    throttle.succeeded("a");
    throttle.failed("a", "10.0.0.9");
    assert.equal(throttle.retryAfterMs("a", "10.0.0.10"), 0, "a success starts the user's count again");
  });

  test("changing a password ends the user's other sessions, not the one that changed it", async () => {
    const auth = h.services.auth;
    const a = await auth.login("ursula", "ursula's long password", { ip: null, userAgent: "browser A" });
    const b = await auth.login("ursula", "ursula's long password", { ip: null, userAgent: "browser B" });
    await h.caller(a.principal, { sessionToken: a.token }).auth.changePassword({ currentPassword: "ursula's long password", newPassword: "ursula's new long password" });
    assert.ok(await auth.resolveSession(a.token), "the session that changed it stays");
    assert.equal(await auth.resolveSession(b.token), null, "the other session has ended");
  });

  test("an admin's reset ends every session of the user and gives a one-time password", async () => {
    const auth = h.services.auth;
    const s1 = await auth.login("ursula", "ursula's new long password", { ip: null, userAgent: null });
    const admin = await h.loginAs("admin", adminPassword);
    const r = await h.caller(admin).users.resetPassword({ username: "ursula" });
    assert.equal(await auth.resolveSession(s1.token), null);
    const fresh = await auth.login("ursula", r.oneTimePassword, { ip: null, userAgent: null });
    assert.equal(fresh.principal.mustChangePassword, true);
    await assert.rejects(auth.login("ursula", "ursula's new long password", { ip: null, userAgent: null }), /invalid username or password/);
    const operator = await h.loginAs("olga", "olga's long password");
    await rejectsWith(h.caller(operator).users.resetPassword({ username: "ursula" }), "FORBIDDEN");
  });
});
