// Starts a real HA group for tests: a coordinator process (Tandem's own, or an external connect
// string such as a real ZooKeeper ensemble) plus N `tandem broker` processes, each with fixed
// free ports so a killed node comes back on the same addresses. Masters are found from the
// nodes' own log lines ("promoted to master" / "stopped serving clients").
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { stringify } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tandem.js");

/**
 * Ports that were free a moment ago, chosen BELOW the kernel's ephemeral range (32768+ on Linux):
 * a node's fixed port taken from that range can be grabbed as the source port of some outgoing
 * connection (even a client's connection to itself while it retries a closed port), and then
 * the node cannot listen on it when it is elected.
 */
export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  const taken = new Set<number>();
  while (out.length < n) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (taken.has(port)) continue;
    taken.add(port);
    const ok = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once("error", () => res(false));
      s.listen(port, "127.0.0.1", () => s.close(() => res(true)));
    });
    if (ok) out.push(port);
  }
  return out;
}

export interface LogLine extends Record<string, unknown> {
  msg?: string;
  time?: number;
}

interface Proc {
  child: ChildProcess;
  logs: LogLine[];
  exited: Promise<void>;
  stderr: string;
}

function run(args: string[], onLine?: (l: LogLine) => void): Proc {
  const nodeArgs = args[0] === "broker" ? ["--max-semi-space-size=2", BIN, ...args] : [BIN, ...args];
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const p: Proc = { child, logs: [], exited: new Promise((r) => child.once("exit", () => r())), stderr: "" };
  child.stderr!.on("data", (d: Buffer) => (p.stderr += d.toString()));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const rec = JSON.parse(line) as LogLine;
      p.logs.push(rec);
      onLine?.(rec);
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

export interface ClusterOptions {
  nodes?: number;
  replicas?: number;
  sync?: string;
  /** Use this connect string instead of starting Tandem's coordinator (e.g. a real ZooKeeper). */
  zkAddress?: string;
  zkSessionTimeout?: string;
  tickTime?: number;
  policy?: Record<string, unknown>;
  group?: Record<string, unknown>;
  /**
   * Per-node coordinator address (e.g. a TcpProxy in front of the coordinator, so one node's link
   * can be partitioned). Called once per node with the real address; that node then gets its own
   * copy of the cluster file with this zkAddress.
   */
  nodeZkAddress?: (node: string, zkAddress: string) => string | Promise<string>;
  /** Extra top-level cluster-file fields (adminToken, users …). */
  cluster?: Record<string, unknown>;
}

export interface NodeHandle {
  name: string;
  stompPort: number;
  replPort: number;
  adminPort: number;
  proc: Proc | undefined;
}

export class ClusterProcess {
  readonly nodes: NodeHandle[] = [];
  coordinator: Proc | undefined;
  coordinatorPort = 0;
  zkAddress = "";
  dataDir = "";
  private file = "";
  private readonly nodeFiles = new Map<string, string>();
  private listeners: Array<(node: string, l: LogLine) => void> = [];

  private constructor(private readonly opts: ClusterOptions) {}

  static async start(opts: ClusterOptions = {}): Promise<ClusterProcess> {
    const c = new ClusterProcess(opts);
    try {
      await c.init();
    } catch (err) {
      // A half-started cluster must not outlive the test that asked for it.
      await c.stop();
      throw err;
    }
    return c;
  }

  private async init(): Promise<void> {
    const n = this.opts.nodes ?? 3;
    this.dataDir = await mkdtemp(join(tmpdir(), "tandem-cluster-"));
    const ports = await freePorts(2 * n + 1);
    // Admin API ports come from a second batch so the layout above stays as it was.
    const adminPorts = await freePorts(n);
    if (this.opts.zkAddress) {
      this.zkAddress = this.opts.zkAddress;
    } else {
      this.coordinatorPort = ports[2 * n];
      await this.startCoordinator();
    }
    for (let i = 0; i < n; i++) {
      this.nodes.push({
        name: `mq${i + 1}`,
        stompPort: ports[2 * i],
        replPort: ports[2 * i + 1],
        adminPort: adminPorts[i],
        proc: undefined,
      });
    }
    const cluster = {
      brokerName: "test",
      dataDirectory: this.dataDir,
      zkAddress: this.zkAddress,
      zkSessionTimeout: this.opts.zkSessionTimeout ?? "2s",
      broker: this.opts.policy ?? {},
      ...(this.opts.cluster ?? {}),
      groups: [
        {
          name: "group1",
          zkPath: "/tandem/test/group1",
          replicas: this.opts.replicas ?? n,
          sync: this.opts.sync ?? "quorum_mem",
          securityToken: "test-token",
          ...(this.opts.group ?? {}),
          nodes: this.nodes.map((node) => ({
            name: node.name,
            transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${node.stompPort}` }],
            bind: `tcp://127.0.0.1:${node.replPort}`,
            // Every node's admin API defaults to 8162: nodes sharing a host need their own.
            admin: { port: node.adminPort },
          })),
        },
      ],
    };
    this.file = join(this.dataDir, "cluster.yaml");
    await writeFile(this.file, stringify(cluster));
    if (this.opts.nodeZkAddress) {
      for (const node of this.nodes) {
        const file = join(this.dataDir, `cluster-${node.name}.yaml`);
        await writeFile(file, stringify({ ...cluster, zkAddress: await this.opts.nodeZkAddress(node.name, this.zkAddress) }));
        this.nodeFiles.set(node.name, file);
      }
    }
    await Promise.all(this.nodes.map((node) => this.startNode(node.name)));
  }

  /** Starts (or restarts, same port and data directory) the coordinator; `timeoutMs` bounds its start. */
  async startCoordinator(timeoutMs = 15_000): Promise<void> {
    const p = run([
      "coordinator",
      "--port", String(this.coordinatorPort),
      "--data-dir", join(this.dataDir, "coordinator"),
      "--tick-time", String(this.opts.tickTime ?? 500),
    ]);
    this.coordinator = p;
    await waitFor(() => p.logs.some((l) => l.msg === "listening"), timeoutMs, () => `coordinator did not start: ${p.stderr}`);
    this.zkAddress = `127.0.0.1:${this.coordinatorPort}`;
  }

  async killCoordinator(): Promise<void> {
    await killProc(this.coordinator, "SIGKILL");
  }

  onLog(fn: (node: string, l: LogLine) => void): void {
    this.listeners.push(fn);
  }

  /** Starts (or restarts) a node; resolves once it has joined its group. */
  async startNode(name: string): Promise<void> {
    const node = this.node(name);
    const p = run(["broker", "--config", this.nodeFiles.get(name) ?? this.file, "--node", name], (l) => {
      for (const fn of this.listeners) fn(name, l);
    });
    node.proc = p;
    await waitFor(
      () => p.logs.some((l) => l.msg === "joined HA group") || p.child.exitCode !== null,
      60_000,
      () => `${name} did not join: ${p.stderr}`,
    );
    if (p.child.exitCode !== null) throw new Error(`${name} exited: ${p.stderr}`);
  }

  node(name: string): NodeHandle {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Nodes whose latest role line says master (from their logs). */
  masters(): NodeHandle[] {
    return this.nodes.filter((n) => {
      if (!n.proc || n.proc.child.exitCode !== null || n.proc.child.signalCode !== null) return false;
      const roles = n.proc.logs.filter((l) => l.msg === "promoted to master" || l.msg === "stopped serving clients");
      return roles.length > 0 && roles[roles.length - 1].msg === "promoted to master";
    });
  }

  async waitForMaster(timeoutMs = 15_000, exclude?: string): Promise<NodeHandle> {
    let found: NodeHandle | undefined;
    await waitFor(
      () => {
        const ms = this.masters().filter((m) => m.name !== exclude);
        found = ms.length === 1 ? ms[0] : undefined;
        return found !== undefined;
      },
      timeoutMs,
      () => `no single master within ${timeoutMs} ms (masters: ${this.masters().map((m) => m.name).join(",") || "none"})`,
    );
    return found!;
  }

  /**
   * The single master once every other node streams from it (its "slave attached" lines): before
   * that a quorum policy acknowledges nothing, so a measurement started earlier times the attach.
   */
  async waitForStreamingMaster(timeoutMs = 60_000): Promise<NodeHandle> {
    const master = await this.waitForMaster(timeoutMs);
    const slaves = this.nodes.length - 1;
    await waitFor(
      () => (master.proc?.logs.filter((l) => String(l.msg).startsWith("slave attached")).length ?? 0) >= slaves,
      timeoutMs,
      () => `slaves of ${master.name} did not attach`,
    );
    return master;
  }

  /**
   * The single master once roles have settled: no node has logged a role change ("promoted to
   * master", "stopped serving clients") for `quietMs` (by the nodes' own log times). After a
   * disturbance such as a coordinator outage, members reconnect and may step down or be elected for
   * a while; a master picked mid-churn can stop serving a moment later. Use this instead of a pause.
   */
  async waitForSettledMaster(timeoutMs = 60_000, quietMs = 3_000): Promise<NodeHandle> {
    const deadline = Date.now() + timeoutMs;
    const lastRoleChange = (): number =>
      Math.max(
        0,
        ...this.nodes.flatMap((n) => (n.proc?.logs ?? []).filter((l) => l.msg === "promoted to master" || l.msg === "stopped serving clients").map((l) => l.time ?? 0)),
      );
    for (;;) {
      const master = await this.waitForMaster(Math.max(1, deadline - Date.now()));
      const quietFor = Date.now() - lastRoleChange();
      if (quietFor >= quietMs && this.masters().length === 1 && this.masters()[0] === master) return master;
      if (Date.now() > deadline) throw new Error(`roles did not settle within ${timeoutMs} ms (last role change ${quietFor} ms ago)`);
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(25, quietMs - quietFor))));
    }
  }

  pid(name: string): number | undefined {
    return this.node(name).proc?.child.pid;
  }

  async kill9(name: string): Promise<void> {
    await killProc(this.node(name).proc, "SIGKILL");
  }

  async stopNode(name: string): Promise<void> {
    await killProc(this.node(name).proc, "SIGTERM");
  }

  stompAddresses(): string[] {
    return this.nodes.map((n) => `stomp://127.0.0.1:${n.stompPort}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => killProc(n.proc, "SIGTERM")));
    await killProc(this.coordinator, "SIGTERM");
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export async function waitFor(cond: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 25));
  }
}
