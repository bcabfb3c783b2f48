import assert from "node:assert/strict";
import { test } from "node:test";
import { layoutTopology, NODE_H, NODE_W } from "./topologyLayout";

const group = (name: string, master: string | null, slaves: string[], down: string[] = []) => ({
  name,
  master,
  nodes: [
    ...(master ? [{ name: master, role: "master", up: true }] : []),
    ...slaves.map((s) => ({ name: s, role: "slave", up: true })),
    ...down.map((s) => ({ name: s, role: "down", up: false })),
  ],
  links: master ? slaves.map((s) => ({ from: master, to: s, lagBytes: 10, lagSeconds: 0.5, state: "streaming" })) : [],
});

test("masters sit above their slaves, one column per group, links from master bottom to slave top", () => {
  const l = layoutTopology({ groups: [group("g1", "mq2", ["mq1", "mq3"]), group("g2", "mq6", ["mq4"], ["mq5"])] });
  assert.equal(l.groups.length, 2);
  const byName = new Map(l.nodes.map((n) => [n.name, n]));
  assert.ok(byName.get("mq2")!.y < byName.get("mq1")!.y);
  assert.ok(byName.get("mq6")!.x > byName.get("mq2")!.x, "second group is to the right");
  assert.equal(l.links.length, 3);
  const link = l.links.find((x) => x.to === "mq1")!;
  assert.equal(link.y1, byName.get("mq2")!.y + NODE_H);
  assert.equal(link.y2, byName.get("mq1")!.y);
  for (const n of l.nodes) assert.ok(n.x >= 0 && n.x + 120 <= l.width && n.y + NODE_H <= l.height, `${n.name} inside the canvas`);
});

test("a group without master draws every node on the lower row and no links", () => {
  const l = layoutTopology({ groups: [group("g1", null, [], ["mq1", "mq2"])] });
  assert.equal(l.links.length, 0);
  assert.equal(new Set(l.nodes.map((n) => n.y)).size, 1);
  assert.equal(l.groups[0]!.master, null);
});

test("nodes stay inside their group's frame and apart, whatever the row; ports are drawn", () => {
  const l = layoutTopology({
    groups: [
      { name: "group1", master: null, nodes: ["mq1", "mq2", "mq3", "mq7"].map((name) => ({ name, role: "slave", up: true, stomp: [`stomp://127.0.0.1:6161${name.slice(2)}`, `ws://127.0.0.1:6262${name.slice(2)}`] })), links: [] },
      { name: "group2", master: "mq4", nodes: [{ name: "mq4", role: "master", up: true }, { name: "mq5", role: "slave", up: true }], links: [] },
    ],
  });
  for (const n of l.nodes) {
    const g = l.groups.find((x) => x.name === n.group)!;
    assert.ok(n.x >= g.x && n.x + NODE_W <= g.x + g.width, `${n.name} inside ${g.name}`);
    assert.ok(n.y + NODE_H <= g.y + g.height, `${n.name} above ${g.name}'s bottom`);
  }
  const row = l.nodes.filter((n) => n.group === "group1").sort((a, b) => a.x - b.x);
  for (let i = 1; i < row.length; i++) assert.ok(row[i]!.x >= row[i - 1]!.x + NODE_W, "no overlap");
  const [g1, g2] = l.groups;
  assert.ok(g2!.x >= g1!.x + g1!.width, "groups do not overlap");
  assert.ok(l.width >= g2!.x + g2!.width);
  assert.equal(row[0]!.ports, ":61611/62621");
});
