import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Principal } from "../console/auth/Principal";
import { createApiTestHarness, principal, rejectsWith, type ApiTestHarness } from "./apiTestHarness";

const PASSWORD = "a long enough password";

describe("user management: disable, delete, roles, resets, body access, never without an admin (real SQLite)", () => {
  let h: ApiTestHarness;
  let admin: Principal;

  /** A user created by the admin who has replaced the one-time password; returns their principal. */
  async function user(username: string, role: "viewer" | "operator" | "admin"): Promise<Principal> {
    const { oneTimePassword } = await h.caller(admin).users.create({ username, role });
    const first = await h.loginAs(username, oneTimePassword);
    await h.services.auth.changePassword(first.userId, oneTimePassword, PASSWORD);
    return h.loginAs(username, PASSWORD);
  }

  before(async () => {
    h = await createApiTestHarness();
    const boot = await h.services.auth.bootstrapAdmin();
    const first = await h.loginAs("admin", boot!.password);
    await h.services.auth.changePassword(first.userId, boot!.password, PASSWORD);
    admin = await h.loginAs("admin", PASSWORD);
  });
  after(async () => h.close());

  test("a disabled user cannot log in and their sessions and API tokens stop working; enabling restores login", async () => {
    const vera = await user("vera", "viewer");
    const login = await h.caller(null, { csrfSafe: true }).auth.login({ username: "vera", password: PASSWORD });
    assert.equal(login.username, "vera");
    const session = await h.services.auth.login("vera", PASSWORD, { ip: null, userAgent: null });
    const { token } = await h.services.auth.createApiToken(vera, "ci", "viewer", null);
    assert.notEqual(await h.services.auth.resolveApiToken(token), null);

    const off = await h.caller(admin).users.setDisabled({ username: "vera", disabled: true });
    assert.equal(off.disabled, true);
    assert.equal(await h.services.auth.resolveSession(session.token), null, "sessions ended");
    assert.equal(await h.services.auth.resolveApiToken(token), null, "API tokens refused");
    const refused = await rejectsWith(h.caller(null).auth.login({ username: "vera", password: PASSWORD }), "UNAUTHORIZED", "ACCOUNT_DISABLED");
    assert.match(refused.message, /disabled/);
    await rejectsWith(h.caller(null).auth.login({ username: "vera", password: "wrong one entirely" }), "UNAUTHORIZED", "INVALID_CREDENTIALS");

    assert.equal((await h.caller(admin).users.setDisabled({ username: "vera", disabled: false })).disabled, false);
    assert.equal((await h.loginAs("vera", PASSWORD)).username, "vera");
    assert.notEqual(await h.services.auth.resolveApiToken(token), null, "tokens work again once the user is enabled");
  });

  test("only admins manage users; nobody removes, disables or demotes themselves", async () => {
    const otto = await user("otto", "operator");
    await rejectsWith(h.caller(otto).users.setDisabled({ username: "vera", disabled: true }), "FORBIDDEN");
    await rejectsWith(h.caller(otto).users.delete({ username: "vera" }), "FORBIDDEN");
    await rejectsWith(h.caller(admin).users.setDisabled({ username: "admin", disabled: true }), "BAD_REQUEST", "SELF");
    await rejectsWith(h.caller(admin).users.delete({ username: "admin" }), "BAD_REQUEST", "SELF");
    await rejectsWith(h.caller(admin).users.setRole({ username: "admin", role: "viewer" }), "BAD_REQUEST", "SELF");
    await rejectsWith(h.caller(admin).users.delete({ username: "nobody" }), "NOT_FOUND", "NO_USER");
  });

  test("the last enabled admin is never demoted, disabled or deleted", async () => {
    // An actor who is not that admin (here: a principal outside the user table, as a stale token would be).
    const other = principal("admin", "root");
    await rejectsWith(h.caller(other).users.setRole({ username: "admin", role: "operator" }), "PRECONDITION_FAILED", "LAST_ADMIN");
    const err = await rejectsWith(h.caller(other).users.setDisabled({ username: "admin", disabled: true }), "PRECONDITION_FAILED", "LAST_ADMIN");
    assert.match(err.message, /admin is the last enabled admin; make another user admin first/);
    await rejectsWith(h.caller(other).users.delete({ username: "admin" }), "PRECONDITION_FAILED", "LAST_ADMIN");
    const still = await h.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
    assert.deepEqual([still.role, still.disabled], ["admin", false], "the refused change was rolled back");

    // With a second admin, the first may go — and then the second is the last one.
    const ada = await user("ada", "admin");
    assert.equal((await h.caller(ada).users.setDisabled({ username: "admin", disabled: true })).disabled, true);
    await rejectsWith(h.caller(other).users.setRole({ username: "ada", role: "viewer" }), "PRECONDITION_FAILED", "LAST_ADMIN");
    await h.caller(ada).users.setDisabled({ username: "admin", disabled: false });
    assert.equal((await h.caller(admin).users.setRole({ username: "ada", role: "operator" })).role, "operator");
  });

  test("delete removes the user with their sessions and tokens; the audit log keeps the name", async () => {
    const gone = await user("gone", "viewer");
    const { token } = await h.services.auth.createApiToken(gone, "t", "viewer", null);
    assert.deepEqual(await h.caller(admin).users.delete({ username: "gone" }), { username: "gone", deleted: true });
    assert.equal(await h.services.auth.resolveApiToken(token), null);
    await rejectsWith(h.caller(null).auth.login({ username: "gone", password: PASSWORD }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
    const audit = await h.prisma.auditLog.findMany({ where: { action: "users.delete", target: "gone" } });
    assert.deepEqual(audit.map((a) => [a.actor, a.result]), [["admin", "ok"]]);
  });

  test("reading message bodies is a capability of its own: viewers only when an admin allows it", async () => {
    const vera = await h.loginAs("vera", PASSWORD);
    assert.equal(vera.canReadBodies, false);
    assert.equal((await h.caller(vera).auth.me())?.canReadBodies, false);
    assert.equal((await h.caller(admin).users.list()).find((u) => u.username === "otto")?.canReadBodies, true, "operators always may");
    const allowed = await h.caller(admin).users.setBodyAccess({ username: "vera", canReadBodies: true });
    assert.equal(allowed.canReadBodies, true);
    const again = await h.loginAs("vera", PASSWORD);
    assert.equal(again.canReadBodies, true);
    assert.equal((await h.caller(again).auth.me())?.canReadBodies, true);
  });

  test("an admin's password reset gives a one-time password; change-my-password ends the other sessions", async () => {
    const otto = await h.loginAs("otto", PASSWORD);
    const reset = await h.caller(admin).users.resetPassword({ username: "otto" });
    await rejectsWith(h.caller(null).auth.login({ username: "otto", password: PASSWORD }), "UNAUTHORIZED");
    const pending = await h.loginAs("otto", reset.oneTimePassword);
    assert.equal(pending.mustChangePassword, true);
    await rejectsWith(h.caller(pending).destinations.list({}), "FORBIDDEN");
    assert.equal(otto.username, "otto");
  });
});
