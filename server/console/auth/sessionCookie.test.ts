import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { test } from "node:test";
import { clearedSessionCookie, isCsrfSafe, isSecureRequest, parseCookies, sessionCookie } from "./sessionCookie";

function req(headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as IncomingMessage;
}

test("session cookie is httpOnly, SameSite=Strict, Secure only over https", () => {
  const c = sessionCookie("tok", new Date(Date.now() + 60_000), false);
  assert.match(c, /^tandem_session=tok; Path=\/; HttpOnly; SameSite=Strict; Max-Age=(59|60)$/);
  assert.match(sessionCookie("tok", new Date(Date.now() + 60_000), true), /; Secure$/);
  assert.match(clearedSessionCookie(false), /Max-Age=0/);
  assert.equal(isSecureRequest(req({}), "auto"), false);
  assert.equal(isSecureRequest(req({}, true), "auto"), true);
  assert.equal(isSecureRequest(req({ "x-forwarded-proto": "https" }), "auto"), true);
  assert.equal(isSecureRequest(req({}), "always"), true);
});

test("cookie parsing takes the first value and ignores malformed escapes", () => {
  const m = parseCookies("a=1; tandem_session=x%2By; a=2; bad=%E0%A4%A");
  assert.equal(m.get("a"), "1");
  assert.equal(m.get("tandem_session"), "x+y");
  assert.equal(m.has("bad"), false);
});

test("CSRF: custom header required, foreign Origin refused", () => {
  assert.equal(isCsrfSafe(req({ host: "127.0.0.1:8161" })), false);
  assert.equal(isCsrfSafe(req({ host: "127.0.0.1:8161", "x-tandem-csrf": "1" })), true);
  assert.equal(isCsrfSafe(req({ host: "127.0.0.1:8161", "x-tandem-csrf": "1", origin: "http://127.0.0.1:8161" })), true);
  assert.equal(isCsrfSafe(req({ host: "127.0.0.1:8161", "x-tandem-csrf": "1", origin: "http://evil.example" })), false);
  assert.equal(isCsrfSafe(req({ host: "127.0.0.1:8161", "x-tandem-csrf": "1", origin: "null" })), false);
});
