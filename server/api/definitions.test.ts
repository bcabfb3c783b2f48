import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createApiTestHarness, principal, rejectsWith, type ApiTestHarness } from "./apiTestHarness";

describe("definitions export and import (users without secrets, alert rules; real SQLite)", () => {
  let source: ApiTestHarness;
  let target: ApiTestHarness;
  const admin = principal("admin", "root");

  before(async () => {
    source = await createApiTestHarness();
    target = await createApiTestHarness();
  });
  after(async () => {
    await source.close();
    await target.close();
  });

  test("export carries users and rules but no secret; import adds what is missing, once", async () => {
    await source.caller(admin).users.create({ username: "vera", role: "viewer" });
    await source.caller(admin).users.setBodyAccess({ username: "vera", canReadBodies: true });
    await source.caller(admin).users.create({ username: "otto", role: "operator" });
    await source.caller(admin).users.setDisabled({ username: "otto", disabled: true });
    await source.caller(admin).alerts.createRule({
      name: "deep-orders", enabled: true, metric: "queue_depth", comparator: "gt", threshold: 1000, forSeconds: 60,
      group: null, node: null, destination: "/queue/orders", severity: "warning", labels: { team: "shop" }, annotations: {},
    });
    const exported = await source.caller(admin).definitions.export();
    const text = JSON.stringify(exported);
    assert.doesNotMatch(text, /scrypt|passwordHash|tdm_/, "no password hash or token in the file");
    assert.deepEqual(exported.users, [
      { username: "otto", role: "operator", disabled: true, canReadBodies: false },
      { username: "vera", role: "viewer", disabled: false, canReadBodies: true },
    ]);
    assert.equal(exported.alertRules[0].name, "deep-orders");
    assert.deepEqual(exported.destinations, [], "no cluster attached: no destinations");

    const r = await target.caller(admin).definitions.import({ json: text });
    assert.deepEqual(r.users, { created: 2, existing: 0 });
    assert.deepEqual(r.alertRules, { created: 1, existing: 0 });
    assert.deepEqual(r.oneTimePasswords.map((p) => p.username).sort(), ["otto", "vera"]);
    assert.ok(r.oneTimePasswords.every((p) => p.password.length >= 20));
    const users = await target.caller(admin).users.list();
    assert.deepEqual(users.map((u) => [u.username, u.role, u.disabled, u.canReadBodies, u.mustChangePassword]), [
      ["otto", "operator", true, true, true],
      ["vera", "viewer", false, true, true],
    ]);
    const rule = (await target.caller(admin).alerts.rules()).find((x) => x.name === "deep-orders");
    assert.deepEqual([rule?.threshold, rule?.destination, rule?.labels], [1000, "/queue/orders", { team: "shop" }]);

    const again = await target.caller(admin).definitions.import({ json: text });
    assert.deepEqual([again.users, again.alertRules, again.oneTimePasswords], [{ created: 0, existing: 2 }, { created: 0, existing: 1 }, []]);
  });

  test("a bad file changes nothing and every problem reads as a sentence", async () => {
    const bad = JSON.stringify({
      format: "tandem-definitions",
      version: 1,
      destinations: [{ group: "group1", kind: "exchange", name: "x" }],
      users: [{ username: "New User", role: "root" }],
      alertRules: [],
    });
    const err = await rejectsWith(target.caller(admin).definitions.import({ json: bad }), "BAD_REQUEST", "INVALID_DEFINITIONS");
    assert.equal(
      err.message,
      'Nothing was imported: the file has 3 problems. destinations[0].kind: kind must be "queue" or "topic". ' +
        "users[0].username: a username is 2-32 characters: a-z, 0-9, _ . - (starting with a letter). users[0].role: role must be one of viewer, operator, admin.",
    );
    assert.doesNotMatch(err.message, /"code":|\[\{/, "not a zod dump");
    assert.equal((await target.caller(admin).users.list()).length, 2, "nothing was applied");
    const notJson = await rejectsWith(target.caller(admin).definitions.import({ json: "{ nope" }), "BAD_REQUEST", "INVALID_DEFINITIONS");
    assert.match(notJson.message, /^Nothing was imported: the file has 1 problem\. the file is not valid JSON/);
    const other = await rejectsWith(target.caller(admin).definitions.import({ json: '{"rabbit_version":"3.12"}' }), "BAD_REQUEST");
    assert.match(other.message, /this is not a Tandem definitions file/);
    await rejectsWith(target.caller(principal("operator", "olga")).definitions.import({ json: bad }), "FORBIDDEN");
  });

  test("destinations that cannot be created are reported, the rest is applied", async () => {
    const file = JSON.stringify({ format: "tandem-definitions", version: 1, destinations: [{ group: "group1", kind: "queue", name: "orders" }], users: [{ username: "newbie", role: "viewer" }] });
    const r = await target.caller(admin).definitions.import({ json: file });
    assert.deepEqual(r.users, { created: 1, existing: 0 });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /^destinations\[0\] \(queue orders in group1\) was not created: /);
  });
});
