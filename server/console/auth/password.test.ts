import assert from "node:assert/strict";
import { test } from "node:test";
import { generatePassword, hashPassword, verifyPassword } from "./password";

test("scrypt hashes verify only the right password and are salted", async () => {
  const h1 = await hashPassword("s3cret password");
  const h2 = await hashPassword("s3cret password");
  assert.match(h1, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(h1, h2);
  assert.equal(await verifyPassword("s3cret password", h1), true);
  assert.equal(await verifyPassword("s3cret passwore", h1), false);
  assert.equal(await verifyPassword("x", "plain"), false);
  assert.equal(await verifyPassword("x", "scrypt$0$8$1$AA==$"), false);
});

test("one-time passwords are long and distinct", () => {
  const a = generatePassword();
  assert.equal(a.length, 24);
  assert.notEqual(a, generatePassword());
});
