import assert from "node:assert/strict";
import { test } from "node:test";
import { consoleBanner } from "./consoleBanner";

test("the start banner: URL, one-time password, each group with its master and client ports", () => {
  const text = consoleBanner({
    url: "http://127.0.0.1:8161",
    password: { username: "admin", password: "s3cret-once" },
    groups: [
      { name: "group1", master: "mq2", nodes: [{ name: "mq1", stomp: ["stomp://127.0.0.1:61613", "ws://127.0.0.1:61614"] }, { name: "mq2", stomp: ["stomp://127.0.0.1:61623", "ws://127.0.0.1:61624"] }] },
      { name: "group2", master: null, nodes: [{ name: "mq4", stomp: ["stomp://127.0.0.1:61643"] }] },
    ],
  }, false);
  const lines = text.split("\n");
  assert.ok(lines.includes("  Tandem console  http://127.0.0.1:8161"));
  assert.ok(lines.some((l) => l.includes("one-time password s3cret-once")));
  assert.ok(lines.includes("  group1  master mq2   mq1 :61613/61614  mq2* :61623/61624"), text);
  assert.ok(lines.includes("  group2  master none yet (electing)   mq4 :61643"), text);
  assert.ok(lines.length < 10, "short");
  assert.ok(!consoleBanner({ url: "u", password: null, groups: [] }, false).includes("password"));
});
