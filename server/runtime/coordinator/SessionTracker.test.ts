// The session table is durable (createSession/closeSession txns, the snapshot's session list),
// as ZooKeeper's: after a crash and restart every session is restored with its timeout and a
// fresh deadline, so its client can resume it (same id and password) and keep its ephemerals;
// a session whose client does not come back expires one timeout after the restart.
// Spoken to in raw jute over loopback so the ConnectResponse itself is checked.
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pino } from "pino";
import { CoordinatorServer } from "./CoordinatorServer";
import { DataTree } from "./DataTree";
import { FrameDecoder } from "./FrameDecoder";
import { JuteReader, JuteWriter } from "./jute";
import { CreateFlags, OpCode, OPEN_ACL_UNSAFE, readStat, writeAcl } from "./protocol";
import { recoverState } from "./TxnLog";

const logger = pino({ level: "silent" });
/** tickTime 100 ms: sessions may ask for up to 20 ticks = 2 s. */
const TICK = 100;
const TIMEOUT = 2000;

interface Established {
  timeout: number;
  sessionId: bigint;
  passwd: Buffer;
}

/** One raw connection: a ConnectRequest with the given session, then requests answered in order. */
class RawSession {
  private readonly decoder = new FrameDecoder(1 << 20, false);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private xid = 1;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const item of this.decoder.push(chunk)) {
        if (item.kind !== "frame") throw new Error(`bad frame from server: ${item.kind}`);
        this.waiting.shift()?.(item.body);
      }
    });
    socket.on("error", () => undefined);
  }

  /** timeout 0 in the answer means the server does not know (or has expired) the session. */
  static async open(port: number, sessionId = 0n, passwd: Buffer = Buffer.alloc(16), askMs = TIMEOUT): Promise<{ s: RawSession; e: Established }> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const sock = connect(port, "127.0.0.1", () => resolve(sock));
      sock.once("error", reject);
    });
    const s = new RawSession(socket);
    const r = new JuteReader(await s.next(new JuteWriter().int(0).longNumber(0).int(askMs).long(sessionId).buffer(passwd).bool(false).toFrame()));
    r.int();
    const timeout = r.int();
    return { s, e: { timeout, sessionId: r.long(), passwd: Buffer.from(r.buffer() ?? Buffer.alloc(0)) } };
  }

  private next(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no reply within 10 s")), 10_000);
      this.waiting.push((b) => {
        clearTimeout(timer);
        resolve(b);
      });
      this.socket.write(frame);
    });
  }

  async call(type: number, body: (w: JuteWriter) => void, xid = this.xid++): Promise<{ xid: number; err: number; body: JuteReader }> {
    const w = new JuteWriter().int(xid).int(type);
    body(w);
    const r = new JuteReader(await this.next(w.toFrame()));
    const replyXid = r.int();
    r.longNumber();
    return { xid: replyXid, err: r.int(), body: r };
  }

  async ownerOf(path: string): Promise<bigint | null> {
    const r = await this.call(OpCode.exists, (w) => w.ustring(path).bool(false));
    if (r.err !== 0) return null;
    return readStat(r.body).ephemeralOwner;
  }

  close(): void {
    this.socket.destroy();
  }
}

async function createEphemeral(s: RawSession, path: string): Promise<void> {
  const r = await s.call(OpCode.create, (w) => w.ustring(path).buffer(Buffer.from("x")).vector(OPEN_ACL_UNSAFE, writeAcl).int(CreateFlags.EPHEMERAL));
  assert.equal(r.err, 0, `create ${path}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

describe("SessionTracker: sessions survive a coordinator restart", () => {
  test("crash image with the txn log alone: the session resumes with its id and password after an outage longer than its timeout; its ephemeral is kept", async () => {
    const live = await mkdtemp(join(tmpdir(), "tandem-sess-live-"));
    const crashed = await mkdtemp(join(tmpdir(), "tandem-sess-crash-"));
    let a: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: live, logger, tickTime: TICK });
    let b: CoordinatorServer | null = null;
    const open: RawSession[] = [];
    try {
      const { s, e } = await RawSession.open(a.address().port);
      open.push(s);
      assert.equal(e.timeout, TIMEOUT);
      await createEphemeral(s, "/eph");
      // What kill -9 leaves now: every acknowledged txn is on disk (O_DSYNC) and nothing else.
      await cp(live, crashed, { recursive: true });
      const image = await recoverState(crashed);
      assert.equal(image.snapshot, null, "no snapshot yet: the session must come from the log");
      assert.ok(image.txns.some((t) => t.op.type === "createSession" && t.sessionId === e.sessionId));
      s.close();
      await a.stop();
      a = null;
      await sleep(TIMEOUT + 500); // down longer than the session timeout
      b = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: crashed, logger, tickTime: TICK });
      const again = await RawSession.open(b.address().port, e.sessionId, e.passwd);
      open.push(again.s);
      assert.equal(again.e.timeout, TIMEOUT, "session resumed (a timeout of 0 would mean expired)");
      assert.equal(again.e.sessionId, e.sessionId);
      assert.equal(await again.s.ownerOf("/eph"), e.sessionId, "its ephemeral is still there and still its own");
      // The wrong password is refused even for a restored session.
      const wrong = await RawSession.open(b.address().port, e.sessionId, Buffer.alloc(16, 7));
      open.push(wrong.s);
      assert.equal(wrong.e.timeout, 0);
    } finally {
      for (const s of open) s.close();
      await a?.stop();
      await b?.stop();
      await rm(live, { recursive: true, force: true });
      await rm(crashed, { recursive: true, force: true });
    }
  });

  test("snapshot path: a clean stop writes the session table into the snapshot; the restart restores it from there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-sess-snap-"));
    let server: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
    const open: RawSession[] = [];
    try {
      const { s, e } = await RawSession.open(server.address().port);
      open.push(s);
      await createEphemeral(s, "/snap-eph");
      s.close();
      await server.stop();
      server = null;
      const image = await recoverState(dir);
      assert.notEqual(image.snapshot, null, "stop() wrote a snapshot");
      assert.equal(image.txns.length, 0, "nothing after it: the session is in the snapshot only");
      assert.equal(DataTree.deserialize(image.snapshot!).sessions.get(e.sessionId), TIMEOUT);
      await sleep(TIMEOUT + 500);
      server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
      const again = await RawSession.open(server.address().port, e.sessionId, e.passwd);
      open.push(again.s);
      assert.equal(again.e.timeout, TIMEOUT);
      assert.equal(await again.s.ownerOf("/snap-eph"), e.sessionId);
    } finally {
      for (const s of open) s.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a session whose client does not come back expires one timeout after the restart (not at once), durably", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-sess-expire-"));
    let server: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
    const open: RawSession[] = [];
    try {
      const gone = await RawSession.open(server.address().port);
      open.push(gone.s);
      await createEphemeral(gone.s, "/orphan");
      gone.s.close();
      await server.stop();
      server = null;
      await sleep(TIMEOUT + 500); // longer than its timeout: the clock must restart, not carry on
      server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
      const startedAt = Date.now();
      const observer = await RawSession.open(server.address().port);
      open.push(observer.s);
      assert.equal(await observer.s.ownerOf("/orphan"), gone.e.sessionId, "restored, not expired at start");
      await waitFor("the orphaned session expired and its ephemeral went with it", async () => (await observer.s.ownerOf("/orphan")) === null);
      assert.ok(Date.now() - startedAt >= TIMEOUT - TICK, `expired ${Date.now() - startedAt} ms after the restart, before its timeout`);
      const late = await RawSession.open(server.address().port, gone.e.sessionId, gone.e.passwd);
      open.push(late.s);
      assert.equal(late.e.timeout, 0, "an expired session cannot be resumed");
      // The expiry is a logged closeSession: another restart does not bring the session back.
      observer.s.close();
      await server.stop();
      server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
      const after = await RawSession.open(server.address().port, gone.e.sessionId, gone.e.passwd);
      open.push(after.s);
      assert.equal(after.e.timeout, 0);
      const fresh = await RawSession.open(server.address().port);
      open.push(fresh.s);
      assert.equal(await fresh.s.ownerOf("/orphan"), null);
    } finally {
      for (const s of open) s.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("SetWatches is answered with the request's own xid (node-zookeeper-client numbers it like any request)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-sess-setw-"));
    const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
    const open: RawSession[] = [];
    try {
      const { s } = await RawSession.open(server.address().port);
      open.push(s);
      // A data watch on "/", unchanged since zxid 0: re-armed without firing (no notification frame).
      const body = (w: JuteWriter): void => {
        w.longNumber(0).vector(["/"], (x, p) => x.ustring(p)).vector([], (x, p: string) => x.ustring(p)).vector([], (x, p: string) => x.ustring(p));
      };
      assert.equal((await s.call(OpCode.setWatches, body, 7)).xid, 7);
      assert.equal((await s.call(OpCode.setWatches, body, -8)).xid, -8, "Java's and kazoo's fixed xid still matches");
      assert.equal((await s.call(OpCode.exists, (w) => w.ustring("/").bool(false), 8)).xid, 8, "the connection is still in step");
    } finally {
      for (const s of open) s.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("SessionTracker: negotiated session timeouts (issue 9 defect 5)", () => {
  test("default options grant Tandem's default zkSessionTimeout of 2 s as asked, at ZooKeeper's tickTime 2000", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-sess-neg-"));
    // The options `tandem coordinator` passes when none are given on its command line.
    const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: 2000 });
    const open: RawSession[] = [];
    try {
      const ask = async (ms: number): Promise<number> => {
        const { s, e } = await RawSession.open(server.address().port, 0n, Buffer.alloc(16), ms);
        open.push(s);
        return e.timeout;
      };
      assert.equal(await ask(2000), 2000, "2 s is granted as asked (ZooKeeper's default minimum would make it 4 s)");
      assert.equal(await ask(1500), 1500);
      assert.equal(await ask(200), 1000, "raised to minSessionTimeout (default 1 s)");
      assert.equal(await ask(90_000), 40_000, "lowered to maxSessionTimeout (default 20 x tickTime)");
    } finally {
      for (const s of open) s.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("minSessionTimeout / maxSessionTimeout options bound what is granted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-sess-bounds-"));
    const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: 2000, minSessionTimeout: 3000, maxSessionTimeout: 6000 });
    const open: RawSession[] = [];
    try {
      const ask = async (ms: number): Promise<number> => {
        const { s, e } = await RawSession.open(server.address().port, 0n, Buffer.alloc(16), ms);
        open.push(s);
        return e.timeout;
      };
      assert.deepEqual([await ask(2000), await ask(4000), await ask(10_000)], [3000, 4000, 6000]);
    } finally {
      for (const s of open) s.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("SessionTracker.nextDeadline: when the coordinator's one expiry timer is due", () => {
  test("the earliest deadline of a session not closing; touches and closing move it; none without sessions", async () => {
    const { SessionTracker } = await import("./SessionTracker");
    const t = new SessionTracker(Buffer.alloc(32, 1), 1_000_000);
    assert.equal(t.nextDeadline(), null);
    t.add(1n, 2000, 1000);
    t.add(2n, 4000, 1000);
    assert.equal(t.nextDeadline(), 3000);
    t.touch(1n, 4000); // a ping: 1 now expires at 6000, after 2 (5000)
    assert.equal(t.nextDeadline(), 5000);
    t.setClosing(2n);
    assert.equal(t.nextDeadline(), 6000, "a closing session is not waited for");
    t.remove(1n);
    assert.equal(t.nextDeadline(), null);
  });
});
