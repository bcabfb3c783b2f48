import assert from "node:assert/strict";
import { test } from "node:test";
import { hostAllowed } from "./hostAllowed";

test("loopback console: its own address and the loopback names on its port, nothing else", () => {
  const o = { listenHost: "127.0.0.1", port: 8161, extra: [] };
  for (const h of ["127.0.0.1:8161", "localhost:8161", "LOCALHOST:8161", "[::1]:8161"]) assert.equal(hostAllowed(h, o), true, h);
  for (const h of ["evil.example:8161", "evil.example", "127.0.0.1:8162", "localhost", "127.0.0.1", "10.0.0.1:8161", "", "[::1", "127.0.0.1:80x", undefined]) {
    assert.equal(hostAllowed(h, o), false, String(h));
  }
});

test("extra names: a bare name for any port (behind a proxy), name:port for one port", () => {
  const o = { listenHost: "127.0.0.1", port: 8161, extra: ["console.example.com", "ops.internal:9000"] };
  assert.equal(hostAllowed("console.example.com", o), true);
  assert.equal(hostAllowed("console.example.com:443", o), true);
  assert.equal(hostAllowed("ops.internal:9000", o), true);
  assert.equal(hostAllowed("ops.internal:8161", o), false);
  assert.equal(hostAllowed("other.example.com", o), false);
});

test("listening on every interface: IP literals pass (they cannot be rebound), unknown names do not", () => {
  const o = { listenHost: "0.0.0.0", port: 8161, extra: [] };
  assert.equal(hostAllowed("192.168.1.20:8161", o), true);
  assert.equal(hostAllowed("[fe80::1]:8161", o), true);
  assert.equal(hostAllowed("myhost:8161", o), false);
  assert.equal(hostAllowed("192.168.1.20:9999", o), false);
  assert.equal(hostAllowed("myhost.lan:8161", { ...o, listenHost: "myhost.lan" }), true);
});
