import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { zodMessage } from "./zodMessage";

const schema = z.object({
  name: z.string().min(1).max(5),
  kind: z.enum(["queue", "topic"]),
  maxBytes: z.number().int().min(1),
  url: z.url(),
  tags: z.array(z.string()).max(1),
  confirm: z.string().refine((s) => s === "yes", "Type yes to confirm"),
});

test("zod issues read as sentences, one per field, never JSON", () => {
  const r = schema.safeParse({ name: "abcdefgh", kind: "x", maxBytes: 0.5, url: "nope", tags: ["a", "b"], confirm: "no" });
  assert.ok(!r.success);
  const m = zodMessage(r.error.issues);
  assert.equal(
    m,
    'Name must have at most 5 characters. Kind must be one of "queue", "topic". Max bytes must be a whole number. Url must be a valid url. Tags must have at most 1 item. Confirm: Type yes to confirm.',
  );
  assert.doesNotMatch(m, /[{}[\]]/);
});

test("missing and empty fields", () => {
  const r = schema.safeParse({ name: "" });
  assert.ok(!r.success);
  const m = zodMessage(r.error.issues);
  assert.match(m, /^Name must not be empty\. Kind must be one of "queue", "topic"\. Max bytes is required\. /);
  assert.equal(zodMessage([]), "The input is not valid.");
});
