// Starts real `tandem broker` processes for tests: its own temp data dir and cluster file,
// ephemeral ports read back from the "listening" log line, SIGKILL for crash tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { stringify } from "yaml";
import { brokerNodeArgs } from "../../server/runtime/brokerNodeArgs";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tandem.js");

export interface BrokerProcessOptions {
  /** Extra `broker:` policy fields (memoryLimit, maxRedeliveries, connectTimeout …). */
  policy?: Record<string, unknown>;
  sync?: "local_disk" | "local_mem";
  /** Query options on the STOMP URI, e.g. { maximumConnections: 5, "wireFormat.maxFrameSize": 4096 }. */
  transportOptions?: Record<string, number | string>;
  /** STOMP port; default 0 (ephemeral). */
  port?: number;
  /** Reuse a data dir (restart after a crash). */
  dataDir?: string;
  /** Extra top-level cluster-file fields (users, authorization …). */
  cluster?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Also open a STOMP-over-WebSocket connector (ws://127.0.0.1:0) with these URI options. */
  websocket?: Record<string, number | string>;
  /** The node's `admin:` block; default { port: 0 } (ephemeral). */
  admin?: Record<string, unknown>;
  /** Command prefix the node runs under (bench: `strace -f … -o file`); `pid` is then the prefix's process. */
  launcher?: string[];
}

export interface BrokerProcess {
  readonly port: number;
  /** STOMP-over-WebSocket port, when `websocket` was asked for. */
  readonly wsPort: number | null;
  /** Admin API port and bearer token (null when the admin API is disabled). */
  readonly adminPort: number | null;
  readonly adminToken: string | null;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every JSON log line the process printed so far. */
  readonly logs: Array<Record<string, unknown>>;
  /**
   * The first log line matching `pred`, waiting for it: stdout is a separate pipe from the
   * client's socket, so a line about an event can arrive after the client already saw the event.
   * The default deadline is generous (a loaded CI machine); it costs nothing when the line is there.
   */
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /** Removes the data dir (after stop). */
  cleanup(): Promise<void>;
}

/** Starts one standalone broker node on 127.0.0.1 with an ephemeral STOMP port. */
export async function startBroker(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "tandem-broker-")));
  const query = new URLSearchParams(
    Object.entries(options.transportOptions ?? {}).map(([k, v]) => [k, String(v)]),
  ).toString();
  const cluster = {
    brokerName: "test",
    dataDirectory: dataDir,
    broker: options.policy ?? {},
    ...(options.cluster ?? {}),
    groups: [
      {
        name: "g",
        replicas: 1,
        sync: options.sync ?? "local_disk",
        nodes: [
          {
            name: "mq1",
            dataDirectory: join(dataDir, "mq1"),
            transportConnectors: [
              { name: "stomp", uri: `stomp://127.0.0.1:${options.port ?? 0}${query ? "?" + query : ""}` },
              ...(options.websocket ? [{ name: "ws", uri: `ws://127.0.0.1:0${uriQuery(options.websocket)}` }] : []),
            ],
            admin: options.admin ?? { port: 0 },
          },
        ],
      },
    ],
  };
  const file = join(dataDir, "cluster.yaml");
  await writeFile(file, stringify(cluster));
  const argv = [process.execPath, ...brokerNodeArgs(file, "mq1")];
  if (options.launcher) argv.unshift(...options.launcher);
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    // The node checks each admin answer against its schema: a contract break fails the test as a 500.
    env: { ...process.env, TANDEM_ADMIN_CHECK_RESPONSES: "1", ...(options.env ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  let stompPort: number | null = null;
  let wsPort: number | null = null;
  let adminPort: number | null = null;
  const port = await new Promise<number>((resolvePort, reject) => {
    // Generous: on a busy 2-core CI machine a cold start (tsx transpiling every module) can be slow.
    // A broker that does not come up is killed, so a failed start never leaves a process behind.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`broker did not start in 60 s\n${stderr}`));
    }, 60_000);
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(rec);
      if (rec.msg === "listening" && typeof rec.port === "number") {
        // Several listeners log "listening": STOMP/TCP (service stomp), WebSocket, admin. A node
        // names them under its own service ("broker/stomp"); the bare names are older logs.
        const service = typeof rec.service === "string" ? rec.service.replace(/^broker\//, "") : "";
        if (service === "stomp" && stompPort === null) stompPort = rec.port;
        else if (service === "stomp-ws") wsPort = rec.port;
        else if (service === "admin") adminPort = rec.port;
      }
      const adminReady = adminPort !== null || options.admin?.enabled === false;
      const wsReady = wsPort !== null || !options.websocket;
      if (stompPort !== null && adminReady && wsReady) {
        clearTimeout(timer);
        resolvePort(stompPort);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening\n${stderr}`));
    });
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const adminToken = adminPort === null ? null : (await readFile(join(dataDir, "mq1", "admin.token"), "utf8")).trim();
  return {
    port,
    wsPort,
    adminPort,
    adminToken,
    dataDir,
    child,
    pid: child.pid!,
    logs,
    async waitForLog(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.find(pred);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching log line within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
    async cleanup() {
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function uriQuery(options: Record<string, number | string>): string {
  const q = new URLSearchParams(Object.entries(options).map(([k, v]) => [k, String(v)])).toString();
  return q ? `?${q}` : "";
}
