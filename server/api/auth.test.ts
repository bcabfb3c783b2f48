import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createApiTestHarness, type ApiTestHarness, rejectsWith } from "./apiTestHarness";

describe("auth and permissions over a real SQLite database", () => {
  let h: ApiTestHarness;
  let adminPassword: string;
  const newAdminPassword = "correct horse battery staple";

  before(async () => {
    h = await createApiTestHarness();
    const created = await h.services.auth.bootstrapAdmin();
    assert.ok(created !== null);
    adminPassword = created.password;
  });
  after(async () => h.close());

  test("first start creates admin once, with a scrypt hash and no default password", async () => {
    assert.equal(await h.services.auth.bootstrapAdmin(), null);
    const admin = await h.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
    assert.equal(admin.role, "admin");
    assert.ok(admin.passwordHash.startsWith("scrypt$"));
    assert.ok(!admin.passwordHash.includes(adminPassword));
    assert.equal(admin.mustChangePassword, true);
    assert.ok(adminPassword.length >= 20);
  });

  test("anonymous: me is null, viewer procedures are UNAUTHORIZED", async () => {
    const anon = h.caller(null);
    assert.equal(await anon.auth.me(), null);
    await rejectsWith(anon.events.list({}), "UNAUTHORIZED");
  });

  test("login with a wrong password fails and is audited", async () => {
    const err = await rejectsWith(h.caller(null).auth.login({ username: "admin", password: "nope" }), "UNAUTHORIZED");
    assert.match(err.message, /invalid username or password/);
    await rejectsWith(h.caller(null).auth.login({ username: "ghost", password: "nope" }), "UNAUTHORIZED");
    const rows = await h.prisma.auditLog.findMany({ where: { action: "auth.login" }, orderBy: { id: "asc" } });
    assert.deepEqual(rows.map((r) => [r.actor, r.result, r.target]), [
      ["anonymous:admin", "INVALID_CREDENTIALS", "admin"],
      ["anonymous:ghost", "INVALID_CREDENTIALS", "ghost"],
    ]);
    assert.ok(rows.every((r) => !(r.detail ?? "").includes("nope")));
  });

  test("the one-time password must be replaced before anything else", async () => {
    const before = h.cookies.length;
    const out = await h.caller(null).auth.login({ username: "admin", password: adminPassword });
    assert.equal(out.mustChangePassword, true);
    assert.equal(h.cookies.length, before + 1, "login sets the session cookie");
    const principal = await h.services.auth.resolveSession(h.cookies.at(-1)!);
    assert.ok(principal !== null);
    // The session that changes the password stays; the user's other sessions end (signIn.test.ts).
    const admin = h.caller(principal, { sessionToken: h.cookies.at(-1)! });
    await rejectsWith(admin.users.list(), "FORBIDDEN");
    await rejectsWith(admin.auth.changePassword({ currentPassword: "wrong", newPassword: newAdminPassword }), "UNAUTHORIZED");
    await admin.auth.changePassword({ currentPassword: adminPassword, newPassword: newAdminPassword });
    const fresh = await h.services.auth.resolveSession(h.cookies.at(-1)!);
    assert.equal(fresh?.mustChangePassword, false);
    assert.equal((await h.caller(fresh).users.list()).length, 1);
    await rejectsWith(h.caller(null).auth.login({ username: "admin", password: adminPassword }), "UNAUTHORIZED");
  });

  test("me lists exactly the procedures the role allows", async () => {
    const admin = await h.loginAs("admin", newAdminPassword);
    const { oneTimePassword } = await h.caller(admin).users.create({ username: "vera", role: "viewer" });
    const viewerFirst = await h.loginAs("vera", oneTimePassword);
    await h.caller(viewerFirst).auth.changePassword({ currentPassword: oneTimePassword, newPassword: "vera's long password" });
    const viewer = await h.loginAs("vera", "vera's long password");
    const me = await h.caller(viewer).auth.me();
    assert.equal(me?.role, "viewer");
    assert.ok(me.allowed.includes("zk.get") && me.allowed.includes("events.list"));
    assert.ok(!me.allowed.includes("zk.set") && !me.allowed.includes("users.create") && !me.allowed.includes("audit.list"));
    const adminMe = await h.caller(admin).auth.me();
    assert.ok(adminMe !== null && adminMe.allowed.includes("users.create") && adminMe.allowed.includes("zk.delete"));
  });

  test("a viewer cannot perform an admin mutation; the refusal is audited", async () => {
    const viewer = await h.loginAs("vera", "vera's long password");
    const err = await rejectsWith(h.caller(viewer).users.create({ username: "mallory", role: "admin" }), "FORBIDDEN");
    assert.match(err.message, /needs the admin role/);
    assert.equal(await h.prisma.user.count({ where: { username: "mallory" } }), 0);
    const row = await h.prisma.auditLog.findFirstOrThrow({ where: { action: "users.create", actor: "vera" } });
    assert.equal(row.result, "FORBIDDEN");
    assert.equal(row.target, "mallory");
    assert.equal(row.ip, "127.0.0.1");
  });

  test("mutations without the CSRF header are refused, queries are not", async () => {
    const admin = await h.loginAs("admin", newAdminPassword);
    await rejectsWith(h.caller(admin, { csrfSafe: false }).users.create({ username: "csrf", role: "viewer" }), "FORBIDDEN");
    assert.equal(await h.prisma.user.count({ where: { username: "csrf" } }), 0);
    assert.ok((await h.caller(admin, { csrfSafe: false }).users.list()).length >= 2);
  });

  test("setRole ends the target's sessions and an admin cannot demote themselves", async () => {
    const admin = await h.loginAs("admin", newAdminPassword);
    const login = await h.services.auth.login("vera", "vera's long password", { ip: null, userAgent: null });
    await h.caller(admin).users.setRole({ username: "vera", role: "operator" });
    assert.equal(await h.services.auth.resolveSession(login.token), null);
    await rejectsWith(h.caller(admin).users.setRole({ username: "admin", role: "viewer" }), "BAD_REQUEST");
  });

  test("API tokens: shown once, stored hashed, capped by the owner's role, revocable", async () => {
    const operator = await h.loginAs("vera", "vera's long password");
    await rejectsWith(h.caller(operator).tokens.create({ name: "too-strong", role: "admin", ttlDays: null }), "FORBIDDEN");
    const { token, summary } = await h.caller(operator).tokens.create({ name: "ci", role: "viewer", ttlDays: 30 });
    assert.ok(token.startsWith("tdm_"));
    const stored = await h.prisma.apiToken.findUniqueOrThrow({ where: { id: summary.id } });
    assert.notEqual(stored.tokenHash, token);
    const asToken = await h.services.auth.resolveApiToken(token);
    assert.equal(asToken?.role, "viewer");
    assert.equal(asToken?.label, "token:ci@vera");
    await rejectsWith(h.caller(asToken).zk.create({ path: "/x", data: "", encoding: "text", mode: "persistent" }), "FORBIDDEN");
    await h.caller(operator).tokens.revoke({ id: summary.id });
    assert.equal(await h.services.auth.resolveApiToken(token), null);
  });

  test("logout deletes the session", async () => {
    const login = await h.services.auth.login("admin", newAdminPassword, { ip: null, userAgent: null });
    const p = await h.services.auth.resolveSession(login.token);
    await h.caller(p, { sessionToken: login.token }).auth.logout();
    assert.equal(await h.services.auth.resolveSession(login.token), null);
  });

  test("cluster.status says detached without a runtime", async () => {
    const admin = await h.loginAs("admin", newAdminPassword);
    assert.deepEqual(await h.caller(admin).cluster.status(), { attached: false, zkConfigured: false });
    await rejectsWith(h.caller(admin).zk.children({ path: "/" }), "PRECONDITION_FAILED");
  });
});
