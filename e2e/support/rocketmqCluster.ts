// Seed 002's cluster as real processes: a coordinator plus two broker groups (broker-a, broker-b)
// of `tandem broker` processes, every node with a NameServer listener and a RocketMQ broker
// listener (open while it is its group's master). Masters are read from the nodes' log lines.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { stringify } from "yaml";
import { freePorts, waitFor, type LogLine } from "./clusterProcess";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tandem.js");

interface Proc {
  child: ChildProcess;
  logs: LogLine[];
  exited: Promise<void>;
  stderr: string;
}

export interface RmqNode {
  name: string;
  group: string;
  stompPort: number;
  replPort: number;
  adminPort: number;
  listenPort: number;
  namesrvPort: number;
  proc: Proc | undefined;
}

/** Extra node flags for broker processes (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p" from a bench; NODE_OPTIONS refuses --cpu-prof). */
const BROKER_NODE_ARGS = process.env.TANDEM_BROKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];

function run(args: string[]): Proc {
  const nodeArgs = args[0] === "broker" ? ["--max-semi-space-size=2", ...BROKER_NODE_ARGS, BIN, ...args] : [BIN, ...args];
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const p: Proc = { child, logs: [], exited: new Promise((r) => child.once("exit", () => r())), stderr: "" };
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

async function killProc(p: Proc | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!p) return;
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(t);
}

export interface RmqClusterOptions {
  nodesPerGroup?: number;
  /** Group names (default broker-a and broker-b, as seed 002). */
  groups?: string[];
  rocketmq?: Record<string, unknown>;
  group?: Record<string, unknown>;
  /** Per-group fields over `group` (e.g. one group ASYNC_MASTER, the other SYNC_MASTER). */
  groupOverrides?: Record<string, Record<string, unknown>>;
  /** Top-level cluster-file fields (e.g. adminToken, for a console attached to the cluster). */
  cluster?: Record<string, unknown>;
  /** The coordinator's tick in ms (500 unless given); it grants sessions of at most 20 ticks. */
  tickTime?: number;
}

export class RocketMqCluster {
  readonly nodes: RmqNode[] = [];
  private coordinator: Proc | undefined;
  dataDir = "";
  private file = "";
  /** The coordinator's connect string. */
  zkAddress = "";

  private constructor(private readonly opts: RmqClusterOptions) {}

  static async start(opts: RmqClusterOptions = {}): Promise<RocketMqCluster> {
    const c = new RocketMqCluster(opts);
    try {
      await c.init();
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  private async init(): Promise<void> {
    const per = this.opts.nodesPerGroup ?? 3;
    const groups = this.opts.groups ?? ["broker-a", "broker-b"];
    this.dataDir = await mkdtemp(join(tmpdir(), "tandem-rmq-cluster-"));
    const ports = await freePorts(groups.length * per * 5 + 1);
    let k = 0;
    const coordinatorPort = ports[k++];
    this.coordinator = run(["coordinator", "--port", String(coordinatorPort), "--data-dir", join(this.dataDir, "coordinator"), "--tick-time", String(this.opts.tickTime ?? 500)]);
    const coord = this.coordinator;
    await waitFor(() => coord.logs.some((l) => l.msg === "listening"), 15_000, () => `coordinator did not start: ${coord.stderr}`);
    for (const g of groups) {
      for (let i = 0; i < per; i++) {
        this.nodes.push({ name: `${g.slice(-1)}${i + 1}`, group: g, stompPort: ports[k++], replPort: ports[k++], adminPort: ports[k++], listenPort: ports[k++], namesrvPort: ports[k++], proc: undefined });
      }
    }
    this.zkAddress = `127.0.0.1:${coordinatorPort}`;
    const cluster = {
      ...(this.opts.cluster ?? {}),
      brokerName: "rmqtest",
      dataDirectory: this.dataDir,
      zkAddress: `127.0.0.1:${coordinatorPort}`,
      zkSessionTimeout: (this.opts.cluster?.zkSessionTimeout as string | undefined) ?? "2s",
      rocketmq: { brokerClusterName: "DefaultCluster", ...(this.opts.rocketmq ?? {}) },
      groups: groups.map((g) => ({
        name: g,
        replicas: per,
        brokerRole: "SYNC_MASTER",
        flushDiskType: "SYNC_FLUSH",
        securityToken: "test-token",
        ...(this.opts.group ?? {}),
        ...(this.opts.groupOverrides?.[g] ?? {}),
        nodes: this.nodes
          .filter((n) => n.group === g)
          .map((n, i) => ({
            name: n.name,
            transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${n.stompPort}` }],
            bind: `tcp://127.0.0.1:${n.replPort}`,
            admin: { port: n.adminPort },
            rocketmq: { listenPort: n.listenPort, namesrvPort: n.namesrvPort, brokerId: i },
          })),
      })),
    };
    this.file = join(this.dataDir, "cluster.yaml");
    await writeFile(this.file, stringify(cluster));
    await Promise.all(this.nodes.map((n) => this.startNode(n.name)));
  }

  async startNode(name: string): Promise<void> {
    const node = this.node(name);
    const p = run(["broker", "--config", this.file, "--node", name]);
    node.proc = p;
    await waitFor(() => p.logs.some((l) => l.msg === "joined HA group") || p.child.exitCode !== null, 60_000, () => `${name} did not join: ${p.stderr}`);
    if (p.child.exitCode !== null) throw new Error(`${name} exited: ${p.stderr}`);
  }

  /** The cluster file the nodes were started from. */
  get clusterFile(): string {
    return this.file;
  }

  node(name: string): RmqNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** NameServer addresses of every node (clients take the list, as namesrvAddr gives it). */
  nameServers(): string[] {
    return this.nodes.map((n) => `127.0.0.1:${n.namesrvPort}`);
  }

  private isMaster(n: RmqNode): boolean {
    if (!n.proc || n.proc.child.exitCode !== null || n.proc.child.signalCode !== null) return false;
    const roles = n.proc.logs.filter((l) => l.msg === "RocketMQ broker registered for routes" || l.msg === "stopped serving clients");
    return roles.length > 0 && roles[roles.length - 1].msg === "RocketMQ broker registered for routes";
  }

  /** The group's single master whose RocketMQ listener is registered. */
  async master(group: string, timeoutMs = 30_000, exclude?: string): Promise<RmqNode> {
    let found: RmqNode | undefined;
    await waitFor(
      () => {
        const ms = this.nodes.filter((n) => n.group === group && n.name !== exclude && this.isMaster(n));
        found = ms.length === 1 ? ms[0] : undefined;
        return found !== undefined;
      },
      timeoutMs,
      () => `no single RocketMQ master in ${group} within ${timeoutMs} ms`,
    );
    return found!;
  }

  /** Sends a signal to a node's process (SIGSTOP / SIGCONT to freeze and thaw it). */
  signal(name: string, signal: NodeJS.Signals): void {
    this.node(name).proc?.child.kill(signal);
  }

  async kill9(name: string): Promise<void> {
    await killProc(this.node(name).proc, "SIGKILL");
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => killProc(n.proc, "SIGTERM")));
    await killProc(this.coordinator, "SIGTERM");
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
