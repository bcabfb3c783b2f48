import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../AppError";
import { adminCallError } from "./adminCallError";
import { deadLetterQueueOf, destinationKey, kindOf, retryTargetOf } from "./destinationName";

test("names: typed short names get their kind's prefix; DLQ and retry targets", () => {
  assert.equal(destinationKey("orders", "queue"), "/queue/orders");
  assert.equal(destinationKey(" /topic/prices ", "topic"), "/topic/prices");
  assert.equal(destinationKey("orders.eu", "queue"), "/queue/orders.eu");
  assert.equal(destinationKey("orders/eu", "queue"), "/queue/orders/eu");
  assert.equal(destinationKey("/orders", "topic"), "/topic/orders");
  assert.equal(kindOf("/temp-queue/x"), "temp-queue");
  assert.equal(kindOf("orders"), null);
  assert.equal(deadLetterQueueOf("/queue/orders"), "/queue/DLQ.orders");
  assert.equal(retryTargetOf("/queue/DLQ.orders"), "/queue/orders");
  assert.equal(retryTargetOf("/queue/orders"), null);
});

test("names that cannot be created are refused with a sentence, never guessed", () => {
  const reason = (name: string, kind: "queue" | "topic"): string => {
    try {
      destinationKey(name, kind);
    } catch (err) {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, "BAD_REQUEST");
      return err.message;
    }
    assert.fail(`${name} was accepted`);
  };
  assert.match(reason("/topic/x", "queue"), /names a topic, but the kind chosen is queue/);
  assert.match(reason("/queue/x", "topic"), /names a queue, but the kind chosen is topic/);
  assert.match(reason("/temp-queue/x", "queue"), /temporary destinations/);
  assert.match(reason("ux.*.wild", "queue"), /wildcard/);
  assert.match(reason("ux.>", "topic"), /wildcard/);
  assert.match(reason("x/../../etc", "queue"), /"\.\." segment/);
  assert.match(reason("a..b", "queue"), /empty/);
  assert.match(reason("  ", "queue"), /empty/);
  assert.match(reason("/queue/", "queue"), /empty/);
  assert.match(reason("has space", "queue"), /whitespace/);
  assert.match(reason("x".repeat(513), "queue"), /at most 512/);
});

test("admin failures map to typed errors by the node's own wording", () => {
  const code = (msg: string): string => (adminCallError(new Error(msg), "x") as AppError).code;
  assert.equal(code("mq1: destination /queue/a does not exist"), "NOT_FOUND");
  assert.equal(code("mq1: /queue/a has 2 consumer(s); close them first"), "CONFLICT");
  assert.equal(code("mq1: node mq1 is not serving clients (role: slave); ask the master of group g"), "UNAVAILABLE");
  assert.equal(code("fetch failed"), "UNAVAILABLE");
  assert.equal(code("mq1: purge applies to queues; a topic keeps no messages of its own"), "BAD_REQUEST");
  const internal = adminCallError(new Error("mq1: internal error: boom"), "x");
  assert.ok(!(internal instanceof AppError), "a node's internal error is not blamed on the caller");
});
