/**
 * Positions for the topology SVG (pure, so it is tested without a browser): one column per group,
 * the master on top and its slaves below; a replication link is drawn from the master to each
 * slave it streams to, labelled with the slave's lag.
 */
export interface TopologyInput {
  groups: Array<{
    name: string;
    master: string | null;
    nodes: Array<{ name: string; role: string; up: boolean; stomp?: string[] }>;
    links: Array<{ from: string; to: string; lagBytes: number; lagSeconds: number | null; state: string }>;
  }>;
}

export interface LaidNode {
  name: string;
  group: string;
  role: string;
  up: boolean;
  /** Client ports as drawn under the name (":61613/61614"). */
  ports: string;
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
export const NODE_H = 58;
const COL_W = 320;
const PAD = 20;
const HEADER = 36;
const MASTER_Y = 30;
const SLAVE_Y = 170;
/** Space between two nodes of a row and between a node and its group's frame. */
const GAP = 16;

const ORDER: Record<string, number> = { master: 0, joining: 1, slave: 2, standalone: 3, stopped: 4, down: 5 };

export function layoutTopology(input: TopologyInput): TopologyLayout {
  const nodes: LaidNode[] = [];
  const links: LaidLink[] = [];
  const groups: TopologyLayout["groups"] = [];
  const height = HEADER + SLAVE_Y + NODE_H + 2 * PAD;
  let gx = PAD;
  input.groups.forEach((g) => {
    const sorted = [...g.nodes].sort((a, b) => (ORDER[a.role] ?? 9) - (ORDER[b.role] ?? 9) || a.name.localeCompare(b.name));
    const top = sorted.filter((n) => n.name === g.master || (g.master === null && n.role === "master"));
    const rest = sorted.filter((n) => !top.includes(n));
    // The frame grows with its widest row, so nodes never overlap it or each other (a group
    // without a master draws all its nodes on one row).
    const frameW = Math.max(COL_W - PAD, Math.max(top.length, rest.length) * (NODE_W + GAP) + GAP);
    groups.push({ name: g.name, x: gx, y: PAD, width: frameW, height: height - 2 * PAD, master: g.master });
    const x0 = gx;
    const place = (row: typeof sorted, y: number): void => {
      const span = frameW / row.length;
      row.forEach((n, i) => nodes.push({
        name: n.name, group: g.name, role: n.role, up: n.up, ports: portsOf(n.stomp ?? []),
        x: x0 + span * i + (span - NODE_W) / 2, y: PAD + HEADER + y,
      }));
    };
    if (top.length > 0) place(top, MASTER_Y);
    if (rest.length > 0) place(rest, SLAVE_Y);
    for (const l of g.links) {
      const a = nodes.find((n) => n.name === l.from);
      const b = nodes.find((n) => n.name === l.to);
      if (!a || !b) continue;
      links.push({ from: l.from, to: l.to, x1: a.x + NODE_W / 2, y1: a.y + NODE_H, x2: b.x + NODE_W / 2, y2: b.y, lagBytes: l.lagBytes, lagSeconds: l.lagSeconds, state: l.state });
    }
    gx += frameW + PAD;
  });
  return { width: Math.max(gx, PAD + COL_W), height, groups, nodes, links };
}

/** ["stomp://h:61613", "ws://h:61614"] → ":61613/61614". */
export function portsOf(urls: string[]): string {
  const ports = urls.map((u) => /:(\d+)\/?$/.exec(u)?.[1]).filter((p): p is string => p !== undefined);
  return ports.length === 0 ? "" : `:${ports.join("/")}`;
}
