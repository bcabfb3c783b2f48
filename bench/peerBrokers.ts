// The brokers of the side-by-side bench, each a real OS process on loopback ports with a
// throw-away data dir, run untraced: throughput and latency are measured on the bare process.
// fsyncs per message come from a separate, shorter pass (countFsyncsDuring) with strace attached
// to the running broker, tracing the fsync family only. (They used to run under strace from the
// start: its stop on every fsync taxed ActiveMQ's and RabbitMQ's fsync path, which is a
// syscall, but not Tandem's O_DSYNC writes, which are not — ActiveMQ measured 613 msg/s traced
// against 2,489 bare and warm on the same machine. The bias flattered Tandem.)
//  - Tandem: a standalone node (sync local_disk), or the null broker (the generator's ceiling);
//  - ActiveMQ 5.17 (Debian's `activemq`): KahaDB with its defaults (journalDiskSyncStrategy always);
//  - RabbitMQ 3.10 (Debian's `rabbitmq-server`) with rabbitmq_stomp: /queue/x is a durable queue,
//    a persistent SEND with a receipt is confirmed once the message store has synced it.
// bench/installPeers.sh installs the packages (never `npm test`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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
  /** The process doing the broker's work (for CPU figures, and what strace attaches to). */
  pid: number;
  /** False for the null broker: it stores nothing, there are no fsyncs to count. */
  stores: boolean;
  /**
   * Device flushes that no fsync-family syscall shows, so far: Tandem's journal writes opened
   * O_DSYNC (its own counter). Added to what strace counts.
   */
  silentFlushes?(): Promise<number>;
  stop(): Promise<void>;
}

export function peersInstalled(): { activemq: boolean; rabbitmq: boolean; strace: boolean } {
  return { activemq: existsSync(ACTIVEMQ_JAR), rabbitmq: existsSync(RABBITMQ_SERVER), strace: existsSync("/usr/bin/strace") };
}

const FSYNC_LINE = /\b(fsync|fdatasync|sync_file_range|msync)\(/g;

/** Whether every thread of `pid` is traced (strace -f -p attaches to each one in turn). */
function allThreadsTraced(pid: number): boolean {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.every((t) => /^TracerPid:\s*[1-9]/m.test(readFileSync(`/proc/${pid}/task/${t}/status`, "utf8")));
  } catch {
    return false;
  }
}

/**
 * Runs `during` with strace attached to the running broker (all its threads), tracing only the
 * fsync family, and returns how many such calls it made meanwhile (plus its silent flushes).
 * Attaching stops the process on every syscall (seccomp filtering needs strace to start the
 * process), so what `during` measures is not reported as throughput: only the count is used.
 */
export async function countFsyncsDuring<T>(b: BenchBroker, during: () => Promise<T>): Promise<{ flushes: number; result: T }> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-strace-"));
  const file = join(dir, "strace.txt");
  const strace = spawn("strace", ["-f", "-qq", "-e", "signal=none", "-e", "trace=fsync,fdatasync,sync_file_range,msync", "-o", file, "-p", String(b.pid)], { stdio: "ignore" });
  try {
    for (let i = 0; !allThreadsTraced(b.pid); i++) {
      if (strace.exitCode !== null || i > 200) throw new Error(`strace could not attach to ${b.name} (pid ${b.pid})`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const silent0 = (await b.silentFlushes?.()) ?? 0;
    const result = await during();
    const silent1 = (await b.silentFlushes?.()) ?? 0;
    strace.kill("SIGINT"); // detaches from every thread and exits
    await exitOf(strace);
    const traced = readFileSync(file, "utf8").match(FSYNC_LINE)?.length ?? 0;
    return { flushes: traced + silent1 - silent0, result };
  } finally {
    if (strace.exitCode === null && strace.signalCode === null) {
      strace.kill("SIGINT");
      await exitOf(strace);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function dsyncWrites(adminPort: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const m = /^tandem_journal_dsync_writes_total(?:\{[^}]*\})? (\d+)/m.exec(text);
  if (!m) throw new Error(`no tandem_journal_dsync_writes_total in the node's /metrics (HTTP ${res.status})`);
  return Number(m[1]);
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

/** SIGTERM, SIGKILL after a grace period. */
async function stopProcess(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exitOf(child);
  clearTimeout(t);
}

export async function startTandem(sync: "local_disk" | "local_mem" = "local_disk"): Promise<BenchBroker> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-"));
  const data = join(dir, "data");
  await mkdir(data);
  const broker = await startBroker({ sync, dataDir: data });
  return {
    name: "Tandem",
    port: broker.port,
    pid: broker.pid,
    stores: true,
    silentFlushes: () => dsyncWrites(broker.adminPort!, broker.adminToken!),
    async stop() {
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
    stores: false,
    async stop() {
      child.kill("SIGTERM");
      await exitOf(child);
    },
  };
}

export async function startActiveMQ(): Promise<BenchBroker> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-activemq-"));
  const [port] = await freePorts(1);
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
  const child = spawn(java[0]!, java.slice(1), { cwd: dir, stdio: "ignore" });
  try {
    await waitForPort(port!, child, "ActiveMQ");
  } catch (err) {
    await stopProcess(child, 1000);
    throw err;
  }
  return {
    name: "ActiveMQ 5.17",
    port: port!,
    pid: child.pid!,
    stores: true,
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startRabbitMQ(): Promise<BenchBroker> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-sbs-rabbitmq-"));
  const [amqpPort, stompPort, distPort, epmdPort] = await freePorts(4);
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
    // exec the VM in place of the script: our child's pid is then beam.smp itself (CPU, SIGTERM, strace).
    RUNNING_UNDER_SYSTEMD: "1",
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
  };
  const child = spawn(RABBITMQ_SERVER, [], { cwd: dir, env, stdio: "ignore" });
  const stopAll = async (graceMs: number): Promise<void> => {
    await stopProcess(child, graceMs);
    epmd.kill("SIGTERM");
    await exitOf(epmd);
  };
  try {
    await waitForPort(stompPort!, child, "RabbitMQ");
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
    pid: child.pid!,
    stores: true,
    async stop() {
      await stopAll(20_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
