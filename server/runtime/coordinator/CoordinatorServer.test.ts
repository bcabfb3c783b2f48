// CoordinatorServer over a real loopback socket, spoken to in raw jute so that the exact bytes
// of a reply can be checked (a client library may hide the difference being tested).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pino } from "pino";
import { CoordinatorServer } from "./CoordinatorServer";
import { DataTree } from "./DataTree";
import { FrameDecoder } from "./FrameDecoder";
import { JuteReader, JuteWriter } from "./jute";
import { OpCode, OPEN_ACL_UNSAFE, readStat, writeAcl, type Stat } from "./protocol";
import { recoverState } from "./TxnLog";

const logger = pino({ level: "silent" });

interface Reply {
  err: number;
  body: JuteReader;
}

/** A minimal ZooKeeper client: one session, requests answered in order (FIFO per session). */
class RawClient {
  private readonly decoder = new FrameDecoder(1 << 20, false);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private xid = 1;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const item of this.decoder.push(chunk)) {
        if (item.kind !== "frame") throw new Error(`bad frame from server: ${item.kind}`);
        // Notifications (xid -1) are not expected here: the test sets no watches.
        this.waiting.shift()?.(item.body);
      }
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    const c = new RawClient(socket);
    const hello = new JuteWriter().int(0).longNumber(0).int(4000).long(0n).buffer(Buffer.alloc(16)).bool(false).toFrame();
    const frame = await c.next(hello);
    const r = new JuteReader(frame);
    r.int();
    assert.ok(r.int() > 0, "session negotiated");
    return c;
  }

  private next(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no reply within 5 s")), 5000);
      this.waiting.push((b) => {
        clearTimeout(timer);
        resolve(b);
      });
      this.socket.write(frame);
    });
  }

  async call(type: number, body: (w: JuteWriter) => void): Promise<Reply> {
    const xid = this.xid++;
    const w = new JuteWriter().int(xid).int(type);
    body(w);
    const r = new JuteReader(await this.next(w.toFrame()));
    assert.equal(r.int(), xid, "replies come back in request order");
    r.longNumber();
    return { err: r.int(), body: r };
  }

  /** A ping (xid -2); the zxid its answer carries. */
  async ping(): Promise<number> {
    const r = new JuteReader(await this.next(new JuteWriter().int(-2).int(OpCode.ping).toFrame()));
    assert.equal(r.int(), -2, "a ping is answered with xid -2");
    const zxid = r.longNumber();
    assert.equal(r.int(), 0);
    return zxid;
  }

  close(): void {
    this.socket.destroy();
  }
}

const createBody = (path: string, data: Buffer | null) => (w: JuteWriter): void => {
  w.ustring(path).buffer(data).vector(OPEN_ACL_UNSAFE, writeAcl).int(0);
};

async function getData(c: RawClient, path: string): Promise<{ data: Buffer | null; stat: Stat }> {
  const r = await c.call(OpCode.getData, (w) => w.ustring(path).bool(false));
  assert.equal(r.err, 0, `getData ${path}`);
  return { data: r.body.buffer(), stat: readStat(r.body) };
}

describe("CoordinatorServer: null data (buffer length -1) is not empty data", () => {
  test("create/create2/setData/multi store null; getData and multiRead answer it; log replay and snapshot keep it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tandem-coord-null-"));
    let server: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, logger });
    let c: RawClient | null = null;
    try {
      c = await RawClient.open(server.address().port);
      assert.equal((await c.call(OpCode.create, createBody("/n", null))).err, 0);
      assert.equal((await c.call(OpCode.create, createBody("/e", Buffer.alloc(0)))).err, 0);
      const c2 = await c.call(OpCode.create2, createBody("/n2", null));
      assert.equal(c2.err, 0);
      assert.equal(c2.body.string(), "/n2");
      assert.equal(readStat(c2.body).dataLength, 0);

      const n = await getData(c, "/n");
      assert.equal(n.data, null, "null data answers length -1");
      assert.equal(n.stat.dataLength, 0);
      const e = await getData(c, "/e");
      assert.deepEqual(e.data, Buffer.alloc(0), "empty data answers length 0");
      assert.equal(e.stat.dataLength, 0);

      // setData both ways: empty → null and null → empty.
      assert.equal((await c.call(OpCode.setData, (w) => w.ustring("/e").buffer(null).int(-1))).err, 0);
      assert.equal((await c.call(OpCode.setData, (w) => w.ustring("/n2").buffer(Buffer.alloc(0)).int(-1))).err, 0);
      assert.equal((await getData(c, "/e")).data, null);
      assert.deepEqual((await getData(c, "/n2")).data, Buffer.alloc(0));

      const multi = await c.call(OpCode.multi, (w) => {
        w.int(OpCode.create).bool(false).int(-1);
        createBody("/m", null)(w);
        w.int(OpCode.setData).bool(false).int(-1).ustring("/n2").buffer(null).int(-1);
        w.int(-1).bool(true).int(-1);
      });
      assert.equal(multi.err, 0);
      assert.equal((await getData(c, "/m")).data, null);
      assert.equal((await getData(c, "/n2")).data, null);

      const mr = await c.call(OpCode.multiRead, (w) => {
        w.int(OpCode.getData).bool(false).int(-1).ustring("/m").bool(false);
        w.int(OpCode.getData).bool(false).int(-1).ustring("/n").bool(false);
        w.int(-1).bool(true).int(-1);
      });
      assert.equal(mr.err, 0);
      for (const expected of [null, null]) {
        assert.equal(mr.body.int(), OpCode.getData);
        mr.body.bool();
        assert.equal(mr.body.int(), 0);
        assert.equal(mr.body.buffer(), expected);
        readStat(mr.body);
      }

      // Log replay: no snapshot has been taken yet, so this is the txn log alone.
      const logged = await recoverState(dataDir);
      assert.equal(logged.snapshot, null);
      const replayed = new DataTree();
      for (const t of logged.txns) replayed.apply(t);
      assert.equal(replayed.getNode("/n")!.data, null);
      assert.equal(replayed.getNode("/e")!.data, null);
      assert.equal(replayed.getNode("/m")!.data, null);
      assert.equal(replayed.getNode("/n2")!.data, null);

      // Snapshot round trip: stop() writes one; the restart loads it.
      c.close();
      c = null;
      await server.stop();
      server = null;
      server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, logger });
      assert.notEqual((await recoverState(dataDir)).snapshot, null, "the restart loaded a snapshot");
      c = await RawClient.open(server.address().port);
      for (const p of ["/n", "/e", "/m", "/n2"]) assert.equal((await getData(c, p)).data, null, p);
      assert.equal((await c.call(OpCode.setData, (w) => w.ustring("/n").buffer(Buffer.alloc(0)).int(-1))).err, 0);
      assert.deepEqual((await getData(c, "/n")).data, Buffer.alloc(0));
    } finally {
      c?.close();
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("CoordinatorServer: a stalled event loop does not expire the sessions it could not hear", () => {
  test("after a stall longer than the session timeout, a client that speaks at once keeps its session", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tandem-coord-stall-"));
    // tickTime 100: the 4 s the client asks for is clamped to 20 ticks = 2 s.
    const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, logger, tickTime: 100 });
    let c: RawClient | null = null;
    try {
      c = await RawClient.open(server.address().port);
      assert.equal((await c.call(OpCode.create, createBody("/alive", null))).err, 0);
      // Block this process (server and client alike) for longer than the session timeout, then
      // speak at once, as a client whose pings sat unread in the socket buffer during the stall.
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        // busy: no timer, no socket read can run
      }
      const r = await c.call(OpCode.exists, (w) => w.ustring("/alive").bool(false));
      assert.equal(r.err, 0, "the session survived the server's own stall");
      // Silence after the stall still expires the session as usual.
      const closed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 8000);
        (c as unknown as { socket: Socket }).socket.once("close", () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      assert.ok(closed, "a silent session still expires");
    } finally {
      c?.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("CoordinatorServer: pings", () => {
  test("each ping answer carries the zxid current when it is sent (the reused answer follows every write)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tandem-coord-ping-"));
    const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, logger });
    let c: RawClient | null = null;
    try {
      c = await RawClient.open(server.address().port);
      const z0 = await c.ping();
      assert.equal(await c.ping(), z0, "nothing written: the same zxid");
      assert.equal((await c.call(OpCode.create, createBody("/p1", null))).err, 0);
      const z1 = await c.ping();
      assert.ok(z1 > z0, `a write moves the zxid the next ping answers (${z0} → ${z1})`);
      assert.equal((await c.call(OpCode.create, createBody("/p2", null))).err, 0);
      const z2 = await c.ping();
      assert.ok(z2 > z1, `and again (${z1} → ${z2})`);
      assert.equal(await c.ping(), z2);
    } finally {
      c?.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
