// Several groups joined by network connectors, as real processes: an optional coordinator (groups
// of more than one node need it) plus one `tandem broker` per node. Masters and bridge states are
// read from the nodes' own log lines and admin APIs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { stringify } from "yaml";
import { freePorts, waitFor, type LogLine } from "./clusterProcess";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tandem.js");

export interface GroupSpec {
  name: string;
  nodes: number;
  networkConnectors?: Array<Record<string, unknown>>;
}

export interface NetNode {
  name: string;
  group: string;
  stompPort: number;
  adminPort: number;
  proc: { child: ChildProcess; logs: LogLine[]; exited: Promise<void>; stderr: string } | undefined;
}

function run(args: string[]): NonNullable<NetNode["proc"]> {
  const nodeArgs = args[0] === "broker" ? ["--max-semi-space-size=2", BIN, ...args] : [BIN, ...args];
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const p = { child, logs: [] as LogLine[], exited: new Promise<void>((r) => child.once("exit", () => r())), stderr: "" };
  child.stderr!.on("data", (d: Buffer) => (p.stderr += d.toString()));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      p.logs.push(JSON.parse(line) as LogLine);
    } catch {
      /* not JSON */
    }
  });
  return p;
}

async function kill(p: NetNode["proc"], signal: NodeJS.Signals): Promise<void> {
  if (!p) return;
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(t);
}

export class NetworkCluster {
  readonly nodes: NetNode[] = [];
  private coordinator: NetNode["proc"];
  private dataDir = "";
  private file = "";

  private constructor(private readonly groups: GroupSpec[]) {}

  static async start(groups: GroupSpec[]): Promise<NetworkCluster> {
    const c = new NetworkCluster(groups);
    try {
      await c.init();
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  private async init(): Promise<void> {
    this.dataDir = await mkdtemp(join(tmpdir(), "tandem-net-"));
    const total = this.groups.reduce((n, g) => n + g.nodes, 0);
    const ports = await freePorts(3 * total + 1);
    let zkAddress: string | undefined;
    if (this.groups.some((g) => g.nodes > 1)) {
      const port = ports[3 * total]!;
      this.coordinator = run(["coordinator", "--port", String(port), "--data-dir", join(this.dataDir, "coordinator"), "--tick-time", "500"]);
      const p = this.coordinator;
      await waitFor(() => p.logs.some((l) => l.msg === "listening"), 30_000, () => `coordinator did not start: ${p.stderr}`);
      zkAddress = `127.0.0.1:${port}`;
    }
    let k = 0;
    const groups = this.groups.map((g) => {
      const nodes = [];
      for (let i = 0; i < g.nodes; i++) {
        const n: NetNode = { name: `${g.name}-mq${i + 1}`, group: g.name, stompPort: ports[k]!, adminPort: ports[k + 1]!, proc: undefined };
        const repl = ports[k + 2]!;
        k += 3;
        this.nodes.push(n);
        nodes.push({
          name: n.name,
          transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${n.stompPort}` }],
          bind: `tcp://127.0.0.1:${repl}`,
          admin: { port: n.adminPort },
        });
      }
      return {
        name: g.name,
        replicas: g.nodes,
        sync: g.nodes > 1 ? "quorum_mem" : "local_disk",
        securityToken: "net-test",
        nodes,
        networkConnectors: g.networkConnectors ?? [],
      };
    });
    const cluster = { brokerName: "nettest", dataDirectory: this.dataDir, zkAddress, zkSessionTimeout: "2s", groups };
    this.file = join(this.dataDir, "cluster.yaml");
    await writeFile(this.file, stringify(cluster));
    await Promise.all(this.nodes.map((n) => this.startNode(n.name)));
  }

  async startNode(name: string): Promise<void> {
    const n = this.node(name);
    n.proc = run(["broker", "--config", this.file, "--node", name]);
    const p = n.proc;
    const multi = this.groups.find((g) => g.name === n.group)!.nodes > 1;
    await waitFor(
      () => p.logs.some((l) => (multi ? l.msg === "joined HA group" : l.msg === "journal recovered")) || p.child.exitCode !== null,
      60_000,
      () => `${name} did not start: ${p.stderr}`,
    );
    if (p.child.exitCode !== null) throw new Error(`${name} exited: ${p.stderr}`);
  }

  node(name: string): NetNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  private alive(n: NetNode): boolean {
    return !!n.proc && n.proc.child.exitCode === null && n.proc.child.signalCode === null;
  }

  /** The group's serving node: its single node, or the one whose last role line is "promoted to master". */
  async master(group: string, timeoutMs = 30_000, exclude?: string): Promise<NetNode> {
    let found: NetNode | undefined;
    await waitFor(
      () => {
        const ns = this.nodes.filter((n) => n.group === group && n.name !== exclude && this.alive(n));
        if (ns.length === 1 && this.groups.find((g) => g.name === group)!.nodes === 1) {
          found = ns[0];
          return true;
        }
        const ms = ns.filter((n) => {
          const roles = n.proc!.logs.filter((l) => l.msg === "promoted to master" || l.msg === "stopped serving clients");
          return roles.length > 0 && roles[roles.length - 1]!.msg === "promoted to master";
        });
        found = ms.length === 1 ? ms[0] : undefined;
        return found !== undefined;
      },
      timeoutMs,
      () => `group ${group} has no single master`,
    );
    return found!;
  }

  portsOf(group: string): number[] {
    return this.nodes.filter((n) => n.group === group).map((n) => n.stompPort);
  }

  /** GET on a node's admin API (token from its data directory). */
  async admin(name: string, path: string, method = "GET"): Promise<unknown> {
    const n = this.node(name);
    const token = (await readFile(join(this.dataDir, name, "admin.token"), "utf8")).trim();
    const res = await fetch(`http://127.0.0.1:${n.adminPort}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${method} ${path} on ${name}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Waits for a bridge log line (msg "bridge up" / "bridge error" …) on a node. */
  async waitForLog(name: string, pred: (l: LogLine) => boolean, timeoutMs: number, what: string, from = 0): Promise<LogLine> {
    const n = this.node(name);
    let hit: LogLine | undefined;
    await waitFor(() => (hit = n.proc?.logs.slice(from).find(pred)) !== undefined, timeoutMs, () => `${name}: no ${what} within ${timeoutMs} ms`);
    return hit!;
  }

  async kill9(name: string): Promise<void> {
    await kill(this.node(name).proc, "SIGKILL");
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => kill(n.proc, "SIGTERM")));
    await kill(this.coordinator, "SIGTERM");
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
