import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword, isPasswordHash, parsePasswordHash, verifyPasswordSync } from "./passwordHash";

const FAST = { N: 1024, r: 8, p: 1 };

test("a hash verifies its password and nothing else", async () => {
  const h = await hashPassword("s3cret!", FAST);
  assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(h.includes("s3cret"), false);
  assert.equal(verifyPasswordSync("s3cret!", h), true);
  assert.equal(verifyPasswordSync("s3cret", h), false);
  assert.equal(verifyPasswordSync("", h), false);
});

test("two hashes of one password differ (random salt)", async () => {
  assert.notEqual(await hashPassword("pw", FAST), await hashPassword("pw", FAST));
});

test("default parameters produce an accepted hash", async () => {
  const h = await hashPassword("pw");
  assert.deepEqual({ ...parsePasswordHash(h), salt: undefined, key: undefined }, { N: 16384, r: 8, p: 1, salt: undefined, key: undefined });
});

test("malformed or out-of-range hashes are refused, never verified", () => {
  for (const bad of [
    "plaintext",
    "scrypt$16384$8$1$c2FsdHNhbHQ=",
    "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    "scrypt$4194304$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    "scrypt$16384$99$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    "bcrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    "scrypt$16384$8$1$!!$aGFzaGhhc2hoYXNoaGFzaA==",
  ]) {
    assert.equal(isPasswordHash(bad), false, bad);
    assert.equal(verifyPasswordSync("x", bad), false, bad);
  }
});

test("hashPassword refuses parameters the parser would not accept", async () => {
  await assert.rejects(hashPassword("pw", { N: 1 << 21, r: 1, p: 1 }));
});
