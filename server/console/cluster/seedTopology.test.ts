import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_PORT_OFFSET, MIN_PORT_OFFSET, seedTopology } from "./seedTopology";

const opts = { dataDirectory: "/tmp/x", zkAddress: "127.0.0.1:2181", adminToken: "a".repeat(32), securityToken: "s".repeat(32) };

function allPorts(cfg: ReturnType<typeof seedTopology>): number[] {
  const ports: number[] = [];
  for (const g of cfg.groups as Array<{ nodes: Array<Record<string, any>> }>) {
    for (const n of g.nodes) {
      for (const c of n.transportConnectors) ports.push(Number(new URL(c.uri).port));
      ports.push(Number(new URL(n.bind).port), n.admin.port);
    }
  }
  return ports;
}

test("every offset in [MIN_PORT_OFFSET, MAX_PORT_OFFSET] keeps all 24 seed ports inside 1024-65535 and distinct", () => {
  for (const off of [MIN_PORT_OFFSET, 0, MAX_PORT_OFFSET]) {
    const ports = allPorts(seedTopology({ ...opts, portOffset: off }));
    assert.equal(ports.length, 24);
    assert.equal(new Set(ports).size, 24);
    for (const p of ports) assert.ok(p >= 1024 && p <= 65535, `offset ${off}: port ${p}`);
  }
  assert.equal(Math.max(...allPorts(seedTopology({ ...opts, portOffset: MAX_PORT_OFFSET }))), 65535);
  assert.equal(Math.min(...allPorts(seedTopology({ ...opts, portOffset: MIN_PORT_OFFSET }))), 1024);
});

test("an offset one past either end is refused with the accepted range", () => {
  assert.throws(() => seedTopology({ ...opts, portOffset: MAX_PORT_OFFSET + 1 }), /between -7147 and 2909/);
  assert.throws(() => seedTopology({ ...opts, portOffset: MIN_PORT_OFFSET - 1 }), /between -7147 and 2909/);
});
