import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../AppError";
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
