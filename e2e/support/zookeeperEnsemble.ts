import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "node-zookeeper-client";

/**
 * A real Apache ZooKeeper 3.8 ensemble (the Debian `zookeeper` package) on loopback, for tests
 * that must hold Tandem's coordination code to the reference implementation. Each node is its own
 * JVM (QuorumPeerMain) with its own dataDir/myid, so kill(i) is a real SIGKILL of a real process.
 */
export interface ZookeeperEnsembleOptions {
  size?: number;
  /** Small ticks keep elections and session expiry quick; sessions may be 2..20 ticks long. */
  tickTimeMs?: number;
  /** Bound on waiting for a quorum to form (JVM start-up is slow on 2 cores). */
  startTimeoutMs?: number;
}

export type ZookeeperMode = "leader" | "follower" | "standalone" | "observer" | "down";

interface Node {
  id: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  dir: string;
  proc: ChildProcess | undefined;
  exited: Promise<void> | undefined;
  log: WriteStream | undefined;
}

const CLASSPATH = ["/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-simple.jar"].join(":");

/** Free loopback ports: bind them all at port 0 at once (so they are distinct), then release. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<import("node:net").Server>((resolve, reject) => {
        const srv = createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => resolve(srv));
      }),
    ),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    if (addr === null || typeof addr === "string") throw new Error("unexpected server address");
    return addr.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** Sends a four-letter word and returns the whole reply ("" if the server is unreachable). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    let out = "";
    const sock = connect(port, "127.0.0.1", () => sock.write(word));
    const timer = setTimeout(() => sock.destroy(), timeoutMs);
    sock.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    sock.on("error", () => undefined);
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

export class ZookeeperEnsemble {
  private readonly nodes: Node[];
  private stopped = false;
  private readonly onExit = (): void => {
    for (const n of this.nodes) n.proc?.kill("SIGKILL");
  };

  private constructor(
    private readonly root: string,
    nodes: Node[],
    private readonly tickTimeMs: number,
  ) {
    this.nodes = nodes;
  }

  static async start(opts: ZookeeperEnsembleOptions = {}): Promise<ZookeeperEnsemble> {
    const size = opts.size ?? 3;
    const root = await mkdtemp(join(tmpdir(), "tandem-zk-ensemble-"));
    const ports = await freePorts(size * 3);
    const nodes: Node[] = Array.from({ length: size }, (_, i) => ({
      id: i + 1,
      clientPort: ports[i * 3]!,
      quorumPort: ports[i * 3 + 1]!,
      electionPort: ports[i * 3 + 2]!,
      dir: join(root, `node${i + 1}`),
      proc: undefined,
      exited: undefined,
      log: undefined,
    }));
    const ensemble = new ZookeeperEnsemble(root, nodes, opts.tickTimeMs ?? 500);
    process.on("exit", ensemble.onExit);
    try {
      await Promise.all(nodes.map((n) => ensemble.writeConfig(n)));
      // All JVMs in parallel: start-up dominates and the quorum needs a majority anyway.
      for (const n of nodes) ensemble.spawnNode(n);
      await ensemble.waitForQuorum(opts.startTimeoutMs ?? 60_000);
    } catch (err) {
      await ensemble.stop();
      throw err;
    }
    return ensemble;
  }

  get size(): number {
    return this.nodes.length;
  }

  /** "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3" */
  get connectString(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.clientPort}`).join(",");
  }

  clientPort(i: number): number {
    return this.node(i).clientPort;
  }

  /** Mode of node i by its `srvr` answer; "down" when it does not answer or serves no requests. */
  async mode(i: number): Promise<ZookeeperMode> {
    const reply = await fourLetterWord(this.node(i).clientPort, "srvr");
    const m = /^Mode: (\w+)/m.exec(reply);
    return m ? (m[1] as ZookeeperMode) : "down";
  }

  /** Index of the current leader, or -1 when there is none. */
  async leader(): Promise<number> {
    const modes = await Promise.all(this.nodes.map((_, i) => this.mode(i)));
    return modes.indexOf("leader");
  }

  /** kill -9 of node i; resolves when the process is gone. */
  async kill(i: number): Promise<void> {
    const n = this.node(i);
    if (n.proc === undefined) return;
    n.proc.kill("SIGKILL");
    await n.exited;
  }

  /** Starts node i again (same dataDir and ports) and waits until it has joined a quorum. */
  async restart(i: number, timeoutMs = 60_000): Promise<void> {
    const n = this.node(i);
    if (n.proc !== undefined) await this.kill(i);
    this.spawnNode(n);
    await this.waitUntil(timeoutMs, async () => {
      const m = await this.mode(i);
      return m === "leader" || m === "follower";
    }, `node ${i} did not rejoin the quorum`);
  }

  /** Waits for a leader and for every running node to serve as leader or follower. */
  async waitForQuorum(timeoutMs = 60_000): Promise<void> {
    await this.waitUntil(timeoutMs, async () => {
      const modes = await Promise.all(this.nodes.map((n, i) => (n.proc ? this.mode(i) : Promise.resolve(null))));
      const running = modes.filter((m) => m !== null);
      return running.includes("leader") && running.every((m) => m === "leader" || m === "follower");
    }, "ensemble did not form a quorum");
  }

  /** Kills every process this ensemble started and removes its files. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.nodes.map((_, i) => this.kill(i)));
    process.removeListener("exit", this.onExit);
    await rm(this.root, { recursive: true, force: true });
  }

  private node(i: number): Node {
    const n = this.nodes[i];
    if (n === undefined) throw new Error(`no ensemble node ${i} (size ${this.nodes.length})`);
    return n;
  }

  private async writeConfig(n: Node): Promise<void> {
    await mkdir(join(n.dir, "data"), { recursive: true });
    await writeFile(join(n.dir, "data", "myid"), `${n.id}\n`);
    const servers = this.nodes.map((o) => `server.${o.id}=127.0.0.1:${o.quorumPort}:${o.electionPort}`);
    const cfg = [
      `tickTime=${this.tickTimeMs}`,
      "initLimit=20",
      "syncLimit=5",
      `dataDir=${join(n.dir, "data")}`,
      `clientPort=${n.clientPort}`,
      "clientPortAddress=127.0.0.1",
      "4lw.commands.whitelist=*",
      // The AdminServer would bind 8080 on every node: a certain clash.
      "admin.enableServer=false",
      "standaloneEnabled=false",
      // Our tests kill leaders; do not let fsync latency on a busy CI disk look like a dead peer.
      "forceSync=no",
      ...servers,
      "",
    ].join("\n");
    await writeFile(join(n.dir, "zoo.cfg"), cfg);
  }

  private spawnNode(n: Node): void {
    n.log = createWriteStream(join(n.dir, "zookeeper.log"), { flags: "a" });
    const proc = spawn(
      "java",
      [
        "-Xmx128m",
        "-XX:+UseSerialGC",
        // C1 only: these JVMs live for seconds, so start-up matters more than peak speed.
        "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dzookeeper.jmx.log4j.disable=true",
        "-cp",
        CLASSPATH,
        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
        join(n.dir, "zoo.cfg"),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    proc.stdout?.pipe(n.log, { end: false });
    proc.stderr?.pipe(n.log, { end: false });
    n.proc = proc;
    const log = n.log;
    n.exited = new Promise<void>((resolve) => {
      const gone = (): void => {
        if (n.proc === proc) n.proc = undefined;
        log.end();
        resolve();
      };
      proc.once("exit", gone);
      proc.once("error", gone);
    });
  }

  private async waitUntil(timeoutMs: number, probe: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what} within ${timeoutMs} ms (logs under ${this.root})`);
  }
}

/**
 * Ends someone else's session, the way Curator's KillSession does: attach to it from a second
 * connection with its id and password, then close that connection. The server deletes the
 * session's ephemerals at once and the owner learns on its next contact that it has expired.
 */
export async function expireSession(
  connectString: string,
  creds: { sessionId: Buffer; password: Buffer },
  timeoutMs = 10_000,
): Promise<void> {
  // sessionId/sessionPassword are library options its type definitions do not list.
  const options = { sessionId: creds.sessionId, sessionPassword: creds.password, sessionTimeout: 4_000, retries: 0 };
  const zk = createClient(connectString, options as unknown as Parameters<typeof createClient>[1]);
  let closed = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not attach to session ${creds.sessionId.toString("hex")}`)), timeoutMs);
      zk.once("connected", () => {
        // Closing the borrowed handle closes the session itself.
        zk.once("disconnected", () => {
          clearTimeout(timer);
          resolve();
        });
        closed = true;
        zk.close();
      });
      zk.once("expired", () => {
        closed = true; // the library closes an expired handle itself
        clearTimeout(timer);
        resolve();
      });
      zk.connect();
    });
  } finally {
    if (!closed) zk.close();
  }
}
