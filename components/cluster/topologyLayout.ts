/**
 * Positions for the topology SVG (pure, so it is tested without a browser): one column per group,
 * the master on top and its slaves below; a replication link is drawn from the master to each
 * slave it streams to, labelled with the slave's lag.
 */
export interface TopologyInput {
  groups: Array<{
    name: string;
    master: string | null;
    nodes: Array<{ name: string; role: string; up: boolean }>;
    links: Array<{ from: string; to: string; lagBytes: number; lagSeconds: number | null; state: string }>;
  }>;
}

export interface LaidNode {
  name: string;
  group: string;
  role: string;
  up: boolean;
  x: number;
  y: number;
}

export interface LaidLink {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  lagBytes: number;
  lagSeconds: number | null;
  state: string;
}

export interface TopologyLayout {
  width: number;
  height: number;
  groups: Array<{ name: string; x: number; y: number; width: number; height: number; master: string | null }>;
  nodes: LaidNode[];
  links: LaidLink[];
}

export const NODE_W = 120;
export const NODE_H = 44;
const COL_W = 320;
const PAD = 20;
const HEADER = 36;
const MASTER_Y = 30;
const SLAVE_Y = 170;

const ORDER: Record<string, number> = { master: 0, joining: 1, slave: 2, standalone: 3, stopped: 4, down: 5 };

export function layoutTopology(input: TopologyInput): TopologyLayout {
  const nodes: LaidNode[] = [];
  const links: LaidLink[] = [];
  const groups: TopologyLayout["groups"] = [];
  const height = HEADER + SLAVE_Y + NODE_H + 2 * PAD;
  input.groups.forEach((g, gi) => {
    const gx = PAD + gi * COL_W;
    groups.push({ name: g.name, x: gx, y: PAD, width: COL_W - PAD, height: height - 2 * PAD, master: g.master });
    const sorted = [...g.nodes].sort((a, b) => (ORDER[a.role] ?? 9) - (ORDER[b.role] ?? 9) || a.name.localeCompare(b.name));
    const top = sorted.filter((n) => n.name === g.master || (g.master === null && n.role === "master"));
    const rest = sorted.filter((n) => !top.includes(n));
    const place = (row: typeof sorted, y: number): void => {
      const span = (COL_W - PAD) / row.length;
      row.forEach((n, i) => nodes.push({ name: n.name, group: g.name, role: n.role, up: n.up, x: gx + span * i + (span - NODE_W) / 2, y: PAD + HEADER + y }));
    };
    if (top.length > 0) place(top, MASTER_Y);
    if (rest.length > 0) place(rest, SLAVE_Y);
    for (const l of g.links) {
      const a = nodes.find((n) => n.name === l.from);
      const b = nodes.find((n) => n.name === l.to);
      if (!a || !b) continue;
      links.push({ from: l.from, to: l.to, x1: a.x + NODE_W / 2, y1: a.y + NODE_H, x2: b.x + NODE_W / 2, y2: b.y, lagBytes: l.lagBytes, lagSeconds: l.lagSeconds, state: l.state });
    }
  });
  return { width: PAD + Math.max(1, input.groups.length) * COL_W, height, groups, nodes, links };
}
