import assert from "node:assert/strict";
import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { CoordinationClient, type SessionState } from "../server/runtime/zk/CoordinationClient";
import { CoordinationError } from "../server/runtime/zk/CoordinationError";
import { EphemeralMember } from "../server/runtime/zk/EphemeralMember";
import { GroupWatcher, type GroupMember } from "../server/runtime/zk/GroupWatcher";
import type { WatchEvent } from "../server/runtime/zk/WatchEvent";
import { expireSession, freePorts, ZookeeperEnsemble } from "./support/zookeeperEnsemble";

/**
 * One contract, two servers: every test in coordinationContract runs against a real ZooKeeper
 * 3.8 three-node ensemble and, when it exists, against Tandem's embedded coordinator. Whatever
 * the HA code relies on must hold on both.
 */
const logger = pino({ level: process.env.TANDEM_TEST_LOG ?? "silent" });
const SESSION_TIMEOUT_MS = 4_000;

interface Target {
  connectString: string;
  stop(): Promise<void>;
}

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

function nextEvent<T extends unknown[]>(emitter: EventEmitter, name: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${name}" event within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(name, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

function names(snapshot: GroupMember[]): string[] {
  return snapshot.map((m) => m.name);
}

function coordinationContract(
  title: string,
  startTarget: () => Promise<Target>,
  opts: { skip?: string | false; extra?: (ctx: ContractContext) => void } = {},
): void {
  const ctx = new ContractContext();
  describe(title, { timeout: 120_000, skip: opts.skip ?? false }, () => {
    before(async () => {
      ctx.target = await startTarget();
    });
    after(async () => {
      await ctx.closeAll();
      await ctx.target?.stop();
    });

    test("create modes, versioned setData, exists/getChildren/delete and typed errors", async () => {
      const c = await ctx.client();
      await c.ensurePath("/t-basic/a/b");
      await c.ensurePath("/t-basic/a/b"); // idempotent
      assert.ok(await c.exists("/t-basic/a/b"));

      const p = await c.create("/t-basic/a/p", Buffer.from("one"), "persistent");
      assert.equal(p, "/t-basic/a/p");
      const got = await c.getData(p);
      assert.equal(got?.data?.toString(), "one");
      assert.equal(got?.stat.version, 0);
      assert.equal(got?.stat.ephemeralOwner, null);

      const stat = await c.setData(p, Buffer.from("two"), 0);
      assert.equal(stat.version, 1);
      await assert.rejects(c.setData(p, Buffer.from("three"), 0), (e: unknown) => e instanceof CoordinationError && e.code === "BAD_VERSION");
      await assert.rejects(c.create(p, null, "persistent"), (e: unknown) => e instanceof CoordinationError && e.code === "NODE_EXISTS");
      await assert.rejects(c.create("/t-basic/none/x", null, "persistent"), (e: unknown) => e instanceof CoordinationError && e.code === "NO_NODE");
      await assert.rejects(c.delete("/t-basic/a"), (e: unknown) => e instanceof CoordinationError && e.code === "NOT_EMPTY");

      const e = await c.create("/t-basic/a/e", null, "ephemeral");
      assert.equal((await c.exists(e))?.ephemeralOwner, c.sessionIdHex);
      assert.equal((await c.getData(e))?.data, null);
      await assert.rejects(c.create(`${e}/child`, null, "persistent"), (err: unknown) => err instanceof CoordinationError && err.code === "NO_CHILDREN_FOR_EPHEMERALS");

      const s1 = await c.create("/t-basic/a/s-", null, "persistent_sequential");
      const s2 = await c.create("/t-basic/a/s-", null, "ephemeral_sequential");
      assert.match(s1, /^\/t-basic\/a\/s-\d{10}$/);
      assert.ok(s2 > s1, `sequence grows: ${s1} < ${s2}`);

      assert.deepEqual((await c.getChildren("/t-basic/a"))?.sort(), ["b", "e", "p", s1.slice(-12), s2.slice(-12)].sort());
      assert.equal(await c.getChildren("/t-basic/missing"), null);
      assert.equal(await c.getData("/t-basic/missing"), null);
      assert.equal(await c.exists("/t-basic/missing"), null);

      await assert.rejects(c.delete(p, 0), (err: unknown) => err instanceof CoordinationError && err.code === "BAD_VERSION");
      await c.delete(p, 1);
      assert.equal(await c.exists(p), null);
      await assert.rejects(c.delete(p), (err: unknown) => err instanceof CoordinationError && err.code === "NO_NODE");

      // An ephemeral belongs to its session: another client sees it vanish when the owner closes.
      // On an ensemble the other client may be served by another server, which applies the close a
      // moment later (ZooKeeper orders one client's view, not two clients'): wait for it (bounded).
      const other = await ctx.client();
      await waitFor("the other client sees the ephemeral", async () => (await other.exists(e)) !== null);
      await c.close();
      await c.close(); // idempotent
      assert.equal(c.state, "lost");
      await waitFor("the closed session's ephemerals gone for the other client", async () => (await other.exists(e)) === null && (await other.exists(s2)) === null);
      assert.equal(await other.exists(e), null);
      assert.equal(await other.exists(s2), null);
      assert.ok(await other.exists(s1));
      await assert.rejects(c.getData("/t-basic"), (err: unknown) => err instanceof CoordinationError && err.code === "CLOSED");
    });

    test("one-shot watches fire once per registration, for every event kind", async () => {
      const c = await ctx.client();
      const writer = await ctx.client();
      await c.ensurePath("/t-watch");
      const events: WatchEvent[] = [];
      const record = (ev: WatchEvent): void => {
        events.push(ev);
      };

      assert.equal(await c.exists("/t-watch/n", record), null);
      await writer.create("/t-watch/n", Buffer.from("a"), "persistent");
      await waitFor("created event", () => events.length === 1);
      assert.deepEqual(events[0], { type: "created", path: "/t-watch/n" });

      await c.getData("/t-watch/n", record);
      await writer.setData("/t-watch/n", Buffer.from("b"));
      await writer.setData("/t-watch/n", Buffer.from("c")); // not watched any more: one-shot
      await waitFor("data_changed event", () => events.length === 2);
      assert.deepEqual(events[1], { type: "data_changed", path: "/t-watch/n" });

      await c.getChildren("/t-watch", record);
      await writer.create("/t-watch/m", null, "ephemeral");
      await waitFor("children_changed event", () => events.length === 3);
      assert.deepEqual(events[2], { type: "children_changed", path: "/t-watch" });

      await c.exists("/t-watch/n", record);
      await writer.delete("/t-watch/n");
      await waitFor("deleted event", () => events.length === 4);
      assert.deepEqual(events[3], { type: "deleted", path: "/t-watch/n" });

      // Nothing further may arrive: each registration fired exactly once.
      await c.exists("/t-watch"); // a round trip to flush any notification still in flight
      assert.equal(events.length, 4);
    });

    test("multi applies all operations or none and names the failing one", async () => {
      const c = await ctx.client();
      await c.ensurePath("/t-multi");
      const results = await c.multi([
        { op: "create", path: "/t-multi/a", data: Buffer.from("1"), mode: "persistent" },
        { op: "create", path: "/t-multi/q-", data: null, mode: "persistent_sequential" },
        { op: "check", path: "/t-multi/a", version: 0 },
        { op: "setData", path: "/t-multi/a", data: Buffer.from("2"), version: 0 },
      ]);
      assert.equal(results.length, 4);
      assert.deepEqual(results[0], { op: "create", path: "/t-multi/a" });
      assert.match(results[1]?.op === "create" ? results[1].path : "", /^\/t-multi\/q-\d{10}$/);
      assert.equal(results[3]?.op === "setData" ? results[3].stat.version : -1, 1);

      // Version 0 must really be checked (the underlying library would send -1 for it).
      await assert.rejects(
        c.multi([
          { op: "create", path: "/t-multi/b", data: null, mode: "persistent" },
          { op: "check", path: "/t-multi/a", version: 0 },
        ]),
        (e: unknown) => e instanceof CoordinationError && e.code === "BAD_VERSION" && e.opIndex === 1,
      );
      assert.equal(await c.exists("/t-multi/b"), null, "the create before the failing check was rolled back");
      await assert.rejects(
        c.multi([
          { op: "delete", path: "/t-multi/a", version: 1 },
          { op: "delete", path: "/t-multi/missing" },
        ]),
        (e: unknown) => e instanceof CoordinationError && e.code === "NO_NODE" && e.opIndex === 1,
      );
      assert.ok(await c.exists("/t-multi/a"));
      await c.multi([{ op: "delete", path: "/t-multi/a", version: 1 }]);
      assert.equal(await c.exists("/t-multi/a"), null);
    });

    test("EphemeralMember + GroupWatcher: register, update, close a client, expire a session", async () => {
      const group = "/t-group/members";
      const [c1, c2, c3] = [await ctx.client(), await ctx.client(), await ctx.client()];
      const w1 = await GroupWatcher.start({ client: c1, path: group, logger });
      assert.equal(w1.snapshot.length, 0, "group path absent at first: empty snapshot");
      const m1 = await EphemeralMember.start({ client: c1, prefix: `${group}/m-`, data: { id: "mq1", position: 1 }, logger });
      const m2 = await EphemeralMember.start({ client: c2, prefix: `${group}/m-`, data: { id: "mq2", position: 1 }, logger });
      const m3 = await EphemeralMember.start({ client: c3, prefix: `${group}/m-`, data: { id: "mq3", position: 1 }, logger });
      const w2 = await GroupWatcher.start({ client: c2, path: group, logger });
      ctx.onClose(() => {
        w1.close();
        w2.close();
      });
      const all = [m1.name, m2.name, m3.name].sort();
      for (const w of [w1, w2]) await waitFor("3 members seen", () => names(w.snapshot).join() === all.join());
      assert.deepEqual(w1.snapshot.map((m) => JSON.parse(m.data?.toString() ?? "null").id), ["mq1", "mq2", "mq3"]);

      // A versioned update shows up in the other client's snapshot.
      await m3.update({ id: "mq3", position: 7 });
      await m3.update({ id: "mq3", position: 8 });
      await waitFor("update seen", () => w2.snapshot.some((m) => m.name === m3.name && JSON.parse(m.data?.toString() ?? "null").position === 8));
      assert.equal(w2.snapshot.find((m) => m.name === m3.name)?.stat.version, 2);

      // Closing a client ends its session: its member disappears for everyone else.
      await c2.close();
      await waitFor("2 members after close", () => names(w1.snapshot).join() === [m1.name, m3.name].sort().join());

      // Session expiry: the member is removed, then re-created with a new sequence on a new session.
      const oldName = m3.name;
      const oldPath = m3.path;
      const oldSession = c3.sessionIdHex;
      const states: SessionState[] = [];
      c3.on("state", (s) => states.push(s));
      const lost = nextEvent(m3, "lost");
      lost.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
      const registered = nextEvent<[string]>(m3, "registered");
      registered.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
      await expireSession(ctx.connectString, c3.sessionCredentials());
      // c1 may be on another server than the one that closed the session: it applies it a moment later.
      await waitFor("expiry deleted the member znode", async () => (await c1.exists(oldPath ?? "/")) === null);
      assert.equal(await c1.exists(oldPath ?? "/"), null, "expiry deleted the member znode");
      await waitFor("expired member gone from snapshot", () => !names(w1.snapshot).includes(oldName ?? ""));
      await lost;
      const [newName] = await registered;
      assert.ok(newName > (oldName ?? ""), `new sequence ${newName} after ${oldName}`);
      assert.notEqual(c3.sessionIdHex, oldSession);
      assert.ok(states.includes("lost"), `states seen: ${states.join(",")}`);
      await waitFor("re-registered member seen", () => names(w1.snapshot).join() === [m1.name, newName].sort().join());
      // The latest data survives re-registration.
      assert.equal(JSON.parse(w1.snapshot.find((m) => m.name === newName)?.data?.toString() ?? "null").position, 8);

      await m1.close();
      await waitFor("member close seen", () => names(w1.snapshot).join() === newName);
      await m3.close();
      await waitFor("group empty", () => w1.snapshot.length === 0);
    });

    test("a silent server is detected: suspended; lost only when a server says the session expired; then a new session", async () => {
      const first = ctx.connectString.split(",")[0]!;
      const proxy = await BlackHoleProxy.start(Number(first.split(":")[1]));
      try {
        const c = await CoordinationClient.connect({ connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: SESSION_TIMEOUT_MS, logger });
        ctx.adopt(c);
        const m = await EphemeralMember.start({ client: c, prefix: "/t-silent/m-", data: { id: "mq9" }, logger });
        const observer = await ctx.client();
        const oldPath = m.path ?? "";
        const oldSession = c.sessionIdHex;
        const states: SessionState[] = [];
        c.on("state", (st) => states.push(st));
        // Packets are swallowed and the connection stays open: only a read timeout can notice.
        proxy.freeze();
        // Bounds with room for a loaded machine's timers (suspended after ~2/3 of the session).
        await waitFor("suspended", () => states.includes("suspended"), SESSION_TIMEOUT_MS * 5);
        // The server expires the session: its ephemeral is gone for everyone else.
        await waitFor("server expired the member", async () => (await observer.exists(oldPath)) === null, SESSION_TIMEOUT_MS * 6);
        // The client cannot know that yet (a restarted server may have kept the session): it stays
        // suspended, still offering its session, until a server answers.
        assert.deepEqual(states, ["suspended"]);
        const registered = nextEvent<[string]>(m, "registered", 20_000);
        registered.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
        proxy.thaw();
        await waitFor("lost (the server said expired)", () => states.includes("lost"), 20_000);
        assert.deepEqual(states.slice(0, 2), ["suspended", "lost"]);
        await waitFor("connected again", () => c.state === "connected", 20_000);
        assert.notEqual(c.sessionIdHex, oldSession);
        const [name] = await registered;
        // The observer may be on another server than the one that created the znode (see above).
        await waitFor("the observer sees the re-registered member", async () => (await observer.exists(`/t-silent/${name}`)) !== null);
        assert.equal((await observer.exists(`/t-silent/${name}`))?.ephemeralOwner, c.sessionIdHex);
        await m.close();
      } finally {
        proxy.close();
      }
    });

    opts.extra?.(ctx);
  });
}

class ContractContext {
  target: Target | undefined;
  private readonly clients: CoordinationClient[] = [];
  private readonly closers: Array<() => void> = [];

  get connectString(): string {
    if (!this.target) throw new Error("target not started");
    return this.target.connectString;
  }

  async client(): Promise<CoordinationClient> {
    const c = await CoordinationClient.connect({ connectString: this.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS, logger });
    this.clients.push(c);
    return c;
  }

  adopt(c: CoordinationClient): void {
    this.clients.push(c);
  }

  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  async closeAll(): Promise<void> {
    for (const fn of this.closers) fn();
    await Promise.all(this.clients.map((c) => c.close()));
  }
}

/** TCP proxy to one server that can be made a black hole: connections stay open, bytes vanish. */
class BlackHoleProxy {
  private frozen = false;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number): Promise<BlackHoleProxy> {
    let proxy: BlackHoleProxy | undefined;
    const server = createServer((downstream) => proxy?.accept(downstream, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const addr = server.address();
    if (addr === null || typeof addr === "string") throw new Error("no proxy address");
    proxy = new BlackHoleProxy(server, addr.port);
    return proxy;
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Ends the black-holed connections so the client notices at once and reconnects. */
  thaw(): void {
    this.frozen = false;
    for (const s of this.sockets) s.destroy();
  }

  close(): void {
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }

  private accept(downstream: Socket, targetPort: number): void {
    this.track(downstream);
    if (this.frozen) return; // accept, never answer
    const upstream = connect(targetPort, "127.0.0.1");
    this.track(upstream);
    downstream.on("data", (d: Buffer) => {
      if (!this.frozen) upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => {
      if (!this.frozen) downstream.write(d);
    });
    downstream.on("close", () => upstream.destroy());
    // While frozen the server's own close (it expires the silent session) must not reach the
    // client either: only the client's read timeout may notice.
    upstream.on("close", () => {
      if (!this.frozen) downstream.destroy();
    });
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => this.sockets.delete(s));
  }
}

test("connect rejects with CONNECT_TIMEOUT when no server answers", async () => {
  const [port] = await freePorts(1);
  await assert.rejects(
    CoordinationClient.connect({ connectString: `127.0.0.1:${port},127.0.0.1:${port}`, connectTimeoutMs: 1_000, logger }),
    (e: unknown) => e instanceof CoordinationError && e.code === "CONNECT_TIMEOUT",
  );
});

let ensemble: ZookeeperEnsemble | undefined;
coordinationContract(
  "real ZooKeeper 3.8 ensemble (3 nodes)",
  async () => {
    ensemble = await ZookeeperEnsemble.start({ size: 3, tickTimeMs: 500 });
    const e = ensemble;
    return { connectString: e.connectString, stop: () => e.stop() };
  },
  {
    extra: (ctx) => {
    test("kill -9 of the ensemble leader: sessions, members and watches survive", async () => {
      const e = ensemble;
      assert.ok(e);
      const group = "/t-failover/members";
      const clients = [await ctx.client(), await ctx.client(), await ctx.client()];
      const members = await Promise.all(
        clients.map((client, i) => EphemeralMember.start({ client, prefix: `${group}/m-`, data: { id: `mq${i + 1}`, position: 0 }, logger })),
      );
      const watchers = await Promise.all(clients.slice(0, 2).map((client) => GroupWatcher.start({ client, path: group, logger })));
      ctx.onClose(() => watchers.forEach((w) => w.close()));
      const all = members.map((m) => m.name ?? "").sort();
      for (const w of watchers) await waitFor("3 members", () => names(w.snapshot).join() === all.join());

      const sessions = clients.map((c) => c.sessionIdHex);
      const seen: SessionState[][] = clients.map(() => []);
      clients.forEach((c, i) => c.on("state", (s) => seen[i]?.push(s)));
      let memberLosses = 0;
      members.forEach((m) => m.on("lost", () => memberLosses++));

      const leader = await e.leader();
      assert.ok(leader >= 0, "ensemble has a leader");
      await e.kill(leader);

      // Followers drop their clients when the leader goes, so every client is suspended, then the
      // two survivors elect a leader and the clients resume their sessions on them.
      await waitFor("every client suspended then connected", () =>
        seen.every((s) => s.includes("suspended")) && clients.every((c) => c.state === "connected"), 30_000);
      assert.deepEqual(clients.map((c) => c.sessionIdHex), sessions, "same sessions after failover");
      assert.ok(seen.every((s) => !s.includes("lost")), `no session lost: ${JSON.stringify(seen)}`);
      assert.equal(memberLosses, 0);
      assert.deepEqual(members.map((m) => m.name ?? "").sort(), all);
      for (const w of watchers) assert.deepEqual(names(w.snapshot), all);
      const surviving = await clients[0]!.getChildren(group);
      assert.deepEqual(surviving?.sort(), all, "member znodes survived the leader's death");

      // Watches re-armed across the failover still fire.
      await members[2]!.update({ id: "mq3", position: 99 });
      for (const w of watchers) {
        await waitFor("update after failover seen", () =>
          w.snapshot.some((m) => m.name === members[2]!.name && JSON.parse(m.data?.toString() ?? "null").position === 99));
      }
      await clients[1]!.close();
      await waitFor("close after failover seen", () => names(watchers[0]!.snapshot).join() === [members[0]!.name, members[2]!.name].sort().join());
    });
    },
  },
);

// The embedded coordinator, when its module exists (built in parallel by another engineer).
const coordinatorModule = fileURLToPath(new URL("../server/runtime/coordinator/CoordinatorServer.ts", import.meta.url));
interface EmbeddedCoordinator {
  address?: () => { port: number };
  port?: number;
  stop?: () => Promise<void>;
  close?: () => Promise<void>;
}
coordinationContract(
  "embedded coordinator (standalone)",
  async () => {
    if (!existsSync(coordinatorModule)) throw new Error("unreachable: guarded by skip");
    const mod = (await import(coordinatorModule)) as {
      CoordinatorServer: { start(opts: Record<string, unknown>): Promise<EmbeddedCoordinator> };
    };
    const dataDir = await mkdtemp(join(tmpdir(), "tandem-zk-contract-"));
    const server = await mod.CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, tickTime: 500, logger });
    const port = server.address?.().port ?? server.port;
    assert.ok(typeof port === "number" && port > 0, "coordinator reports its port");
    return {
      connectString: `127.0.0.1:${port}`,
      stop: async () => {
        await (server.stop?.() ?? server.close?.());
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
  { skip: existsSync(coordinatorModule) ? false : "server/runtime/coordinator/CoordinatorServer.ts does not exist yet" },
);
