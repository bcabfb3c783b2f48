// Hostile and broken input: random bytes, truncated packets, a frame over maxBuffer, an
// unknown opcode, a stale session, and a connection flood past maxClientCnxns. Each bad
// connection is closed on its own; a well-behaved client (node-zookeeper-client, which omits
// the readOnly byte of the handshake) keeps being served throughout.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import zookeeper from "node-zookeeper-client";
import { JuteReader, JuteWriter } from "../server/runtime/coordinator/jute";
import { startCoordinator, tempDir, type CoordinatorProcess } from "./coordinatorHarness";

const MAX_BUFFER = 4096;
const MAX_CNXNS = 8;

function connectFrame(sessionId = 0n, passwd = Buffer.alloc(16), lastZxid = 0): Buffer {
  return new JuteWriter().int(0).longNumber(lastZxid).int(4000).long(sessionId).buffer(passwd).bool(false).toFrame();
}

/** Opens a raw socket and collects everything until the server closes it (bounded, generously: a loaded machine). */
function rawSession(port: number, send: (s: Socket) => void, limitMs = 15_000): Promise<{ data: Buffer; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(port, "127.0.0.1", () => send(s));
    s.on("data", (d) => chunks.push(d));
    s.on("error", () => undefined);
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ data: Buffer.concat(chunks), closedByServer: false });
    }, limitMs);
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), closedByServer: true });
    });
  });
}

describe("coordinator under bad input", () => {
  let coord: CoordinatorProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let good: zookeeper.Client;
  let n = 0;

  before(async () => {
    dir = await tempDir();
    coord = await startCoordinator(dir.path, ["--max-buffer", String(MAX_BUFFER), "--max-client-cnxns", String(MAX_CNXNS)]);
    good = zookeeper.createClient(`127.0.0.1:${coord.port}`, { sessionTimeout: 10000, retries: 0 });
    await new Promise<void>((resolve, reject) => {
      good.once("connected", () => resolve());
      setTimeout(() => reject(new Error("node-zookeeper-client did not connect")), 10000).unref();
      good.connect();
    });
  });
  after(async () => {
    good?.close();
    await coord?.stop();
    await dir?.remove();
  });

  /** The well-behaved client can still write and read its write back. */
  async function goodRoundTrip(): Promise<void> {
    const path = `/good-${n++}`;
    await new Promise<void>((resolve, reject) => good.create(path, Buffer.from("ok"), (e) => (e ? reject(e) : resolve())));
    const data = await new Promise<Buffer>((resolve, reject) => good.getData(path, (e, d) => (e ? reject(e) : resolve(d))));
    assert.equal(data.toString(), "ok");
  }

  test("random garbage and truncated packets close only their own connections", async () => {
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => rawSession(coord.port, (s) => s.write(randomBytes(64)))),
      // A valid length with a truncated ConnectRequest body inside it.
      rawSession(coord.port, (s) => s.write(new JuteWriter().int(0).longNumber(0).toFrame())),
      // A handshake, then a create whose body stops half-way.
      rawSession(coord.port, (s) => {
        s.write(connectFrame());
        s.write(new JuteWriter().int(1).int(1).ustring("/half").int(100).toFrame());
      }),
    ]);
    for (const r of results) assert.equal(r.closedByServer, true);
    // A client that sends half a frame and goes away must not disturb anything either.
    await rawSession(coord.port, (s) => {
      s.write(Buffer.from([0, 0, 0, 50, 1, 2, 3]));
      setTimeout(() => s.destroy(), 50);
    });
    await goodRoundTrip();
  });

  test("a frame over maxBuffer is refused from its length prefix", async () => {
    const r = await rawSession(coord.port, (s) => {
      s.write(connectFrame());
      s.once("data", () => {
        const head = Buffer.alloc(4);
        head.writeInt32BE(MAX_BUFFER + 1, 0);
        s.write(head); // no body: the server must not wait for it
      });
    });
    assert.equal(r.closedByServer, true);
    assert.ok(r.data.length > 0, "the handshake itself was answered");
    await goodRoundTrip();
  });

  test("unknown opcode gets Unimplemented (-6), then the connection closes", async () => {
    const r = await rawSession(coord.port, (s) => {
      s.write(connectFrame());
      s.write(new JuteWriter().int(7).int(999).toFrame());
    });
    assert.equal(r.closedByServer, true);
    const rd = new JuteReader(r.data);
    const len = rd.int();
    rd.int(); // protocolVersion
    rd.int(); // timeOut
    rd.long(); // sessionId
    rd.buffer(); // passwd
    rd.bool(); // readOnly, echoed because we sent it
    assert.equal(rd.offset(), 4 + len);
    rd.int(); // reply length
    assert.equal(rd.int(), 7, "xid");
    rd.longNumber();
    assert.equal(rd.int(), -6);
    await goodRoundTrip();
  });

  test("an unknown session gets timeOut=0, sessionId=0 and a zero password; a zxid from the future is refused", async () => {
    const r = await rawSession(coord.port, (s) => s.write(connectFrame(0x1234567n, randomBytes(16))));
    assert.equal(r.closedByServer, true);
    const rd = new JuteReader(r.data, 4);
    assert.equal(rd.int(), 0);
    assert.equal(rd.int(), 0, "timeOut");
    assert.equal(rd.long(), 0n, "sessionId");
    assert.deepEqual(rd.buffer(), Buffer.alloc(16));
    const ahead = await rawSession(coord.port, (s) => s.write(connectFrame(0n, Buffer.alloc(16), 0x7fff00000000)));
    assert.equal(ahead.closedByServer, true);
    assert.equal(ahead.data.length, 0);
    await goodRoundTrip();
  });

  test("a connection flood past maxClientCnxns is cut off; the existing client keeps working", async () => {
    const sockets: Socket[] = [];
    let refused = 0;
    try {
      const opened = await Promise.all(
        Array.from({ length: MAX_CNXNS * 2 }, () =>
          new Promise<Socket>((resolve) => {
            const s = connect(coord.port, "127.0.0.1", () => resolve(s));
            s.on("error", () => undefined);
            s.on("close", () => refused++);
            sockets.push(s);
          }),
        ),
      );
      assert.equal(opened.length, MAX_CNXNS * 2);
      // Wait (bounded) for the server to drop the excess: the good client already holds one slot.
      const until = Date.now() + 15_000;
      while (Date.now() < until && refused < MAX_CNXNS + 1) await new Promise((r) => setTimeout(r, 20));
      assert.equal(refused, MAX_CNXNS + 1);
      await goodRoundTrip();
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
