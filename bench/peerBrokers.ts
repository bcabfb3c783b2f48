// The brokers of the side-by-side bench, each a real OS process on loopback ports with a
// throw-away data dir, each run under `strace -f --seccomp-bpf` tracing only the fsync family:
// the seccomp filter stops the process on those syscalls alone, so tracing costs the same small
// amount on every broker and the count is the broker's own (fsyncs per message).
//  - Tandem: a standalone node (sync local_disk), or the null broker (the generator's ceiling);
//  - ActiveMQ 5.17 (Debian's `activemq`): KahaDB with its defaults (journalDiskSyncStrategy always);
//  - RabbitMQ 3.10 (Debian's `rabbitmq-server`) with rabbitmq_stomp: /queue/x is a durable queue,
//    a persistent SEND with a receipt is confirmed once the message store has synced it.
// bench/installPeers.sh installs the packages (never `npm test`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { startBroker } from "../e2e/support/brokerProcess";
import { freePorts } from "../e2e/support/clusterProcess";

const ROOT = resolve(import.meta.dirname, "..");
const ACTIVEMQ_JAR = "/usr/share/activemq/bin/activemq.jar";
const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";

export interface BenchBroker {
  name: string;
  port: number;
  /** CONNECT headers this broker needs. */
  virtualHost?: string;
  login?: string;
  passcode?: string;
  /** The process doing the broker's work (for CPU figures). */
  pid: number;
  /**
   * Device flushes the broker asked for so far (null when not traced): fsync-family syscalls
   * (strace), plus, for Tandem, its journal's O_DSYNC writes (its own counter: such a write is a
   * flush that no fsync syscall shows).
   */
  fsyncs(): Promise<number | null>;
  stop(): Promise<void>;
}

export function peersInstalled(): { activemq: boolean; rabbitmq: boolean; strace: boolean } {
  return { activemq: existsSync(ACTIVEMQ_JAR), rabbitmq: existsSync(RABBITMQ_SERVER), strace: existsSync("/usr/bin/strace") };
}

function straceLauncher(file: string): string[] {
  return ["strace", "-f", "--seccomp-bpf", "-qq", "-e", "signal=none", "-e", "trace=fsync,fdatasync,sync_file_range,msync", "-o", file];
}

const FSYNC_LINE = /\b(fsync|fdatasync|sync_file_range|msync)\(/g;

function countFsyncs(file: string): number {
  try {
    return readFileSync(file, "utf8").match(FSYNC_LINE)?.length ?? 0;
  } catch {
    return 0;
  }
}

async function dsyncWrites(adminPort: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const m = /^tandem_journal_dsync_writes_total(?:\{[^}]*\})? (\d+)/m.exec(text);
  if (!m) throw new Error(`no tandem_journal_dsync_writes_total in the node's /metrics (HTTP ${res.status})`);
  return Number(m[1]);
}

/** The process strace started (its only direct child), once it exists. */
async function tracedChild(stracePid: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const kids = readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
      if (kids.length > 0) return Number(kids[0]);
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no traced child under strace pid ${stracePid}`);
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited before listening on ${port}`);
    const ok = await new Promise<boolean>((done) => {
      const s = connect({ port, host: "127.0.0.1" });
      s.once("connect", () => {
        s.destroy();
        done(true);
      });
      s.once("error", () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

/** SIGTERM to the broker itself (strace then exits with it), SIGKILL after a grace period. */
async function stopTraced(strace: ChildProcess, pid: number, graceMs = 20_000): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
  const t = setTimeout(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, graceMs);
  await exitOf(strace);
  clearTimeout(t);
}

export async function startTandem(sync: "local_disk" | "local_mem" = "local_disk"): Promise<BenchBroker> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-"));
  const trace = join(dir, "strace.txt");
  const data = join(dir, "data");
  await mkdir(data);
  const broker = await startBroker({ sync, launcher: straceLauncher(trace), dataDir: data });
  const pid = await tracedChild(broker.pid);
  return {
    name: "Tandem",
    port: broker.port,
    pid,
    fsyncs: async () => countFsyncs(trace) + (await dsyncWrites(broker.adminPort!, broker.adminToken!)),
    async stop() {
      await stopTraced(broker.child, pid);
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startNullBroker(): Promise<BenchBroker> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "nullBroker.ts")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((done, fail) => {
    createInterface({ input: child.stdout! }).once("line", (l) => done((JSON.parse(l) as { port: number }).port));
    child.once("exit", (code) => fail(new Error(`null broker exited with ${code}`)));
  });
  return {
    name: "null broker",
    port,
    pid: child.pid!,
    fsyncs: () => Promise.resolve(null),
    async stop() {
      child.kill("SIGTERM");
      await exitOf(child);
    },
  };
}

export async function startActiveMQ(): Promise<BenchBroker> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-activemq-"));
  const [port] = await freePorts(1);
  const trace = join(dir, "strace.txt");
  const data = join(dir, "data");
  // Debian's instance config, reduced to what the bench needs: KahaDB with its defaults and one
  // STOMP connector on loopback; no JMX, no web console.
  await writeFile(
    join(dir, "activemq.xml"),
    `<beans xmlns="http://www.springframework.org/schema/beans" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="bench" dataDirectory="${data}">
    <persistenceAdapter><kahaDB directory="${data}/kahadb"/></persistenceAdapter>
    <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:${port}"/></transportConnectors>
  </broker>
</beans>
`,
  );
  // Debian's /usr/share/activemq/activemq-options: 512 MB heap, dedicated task runners.
  const java = [
    "java", "-Xms512M", "-Xmx512M", "-Dorg.apache.activemq.UseDedicatedTaskRunner=true",
    "-Dactivemq.home=/usr/share/activemq", `-Dactivemq.base=${dir}`, `-Dactivemq.conf=${dir}`, `-Dactivemq.data=${data}`,
    "-jar", ACTIVEMQ_JAR, "start", `xbean:file:${join(dir, "activemq.xml")}`,
  ];
  const argv = [...straceLauncher(trace), ...java];
  const strace = spawn(argv[0]!, argv.slice(1), { cwd: dir, stdio: "ignore" });
  const pid = await tracedChild(strace.pid!);
  try {
    await waitForPort(port!, strace, "ActiveMQ");
  } catch (err) {
    await stopTraced(strace, pid, 1000);
    throw err;
  }
  return {
    name: "ActiveMQ 5.17",
    port: port!,
    pid,
    fsyncs: () => Promise.resolve(countFsyncs(trace)),
    async stop() {
      await stopTraced(strace, pid);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startRabbitMQ(): Promise<BenchBroker> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-rabbitmq-"));
  const [amqpPort, stompPort, distPort, epmdPort] = await freePorts(4);
  const trace = join(dir, "strace.txt");
  await writeFile(join(dir, "enabled_plugins"), "[rabbitmq_stomp].\n");
  await writeFile(
    join(dir, "rabbitmq.conf"),
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      `stomp.listeners.tcp.1 = 127.0.0.1:${stompPort}`,
      // guest may log in over loopback only (RabbitMQ's default); the bench connects as guest.
      "loopback_users.guest = true",
      "",
    ].join("\n"),
  );
  // Our own epmd on a private port, so the bench neither uses nor leaves a system-wide one.
  const epmd = spawn("epmd", ["-port", String(epmdPort), "-address", "127.0.0.1"], { stdio: "ignore" });
  const env = {
    ...process.env,
    HOME: dir, // the Erlang cookie lives here
    RABBITMQ_NODENAME: `bench${stompPort}@localhost`,
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_PID_FILE: join(dir, "rabbitmq.pid"),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    // exec the VM in place of the script: the traced pid is then beam.smp itself (CPU, SIGTERM).
    RUNNING_UNDER_SYSTEMD: "1",
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
  };
  const argv = [...straceLauncher(trace), RABBITMQ_SERVER];
  const strace = spawn(argv[0]!, argv.slice(1), { cwd: dir, env, stdio: "ignore" });
  // The script's process is not the VM's: it ends up a child of strace once the VM runs, so the
  // pid to measure and signal is looked up again once the broker listens.
  let pid = await tracedChild(strace.pid!);
  const stopAll = async (graceMs: number): Promise<void> => {
    await stopTraced(strace, pid, graceMs);
    epmd.kill("SIGTERM");
    await exitOf(epmd);
  };
  try {
    await waitForPort(stompPort!, strace, "RabbitMQ");
    pid = await tracedChild(strace.pid!);
  } catch (err) {
    await stopAll(1000);
    throw err;
  }
  return {
    name: "RabbitMQ 3.10",
    port: stompPort!,
    virtualHost: "/",
    login: "guest",
    passcode: "guest",
    pid,
    fsyncs: () => Promise.resolve(countFsyncs(trace)),
    async stop() {
      await stopAll(20_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
