// Hostile and broken STOMP input against a real `tandem broker` process: malformed frames,
// unknown commands, oversized frames, header bombs, silent sockets, too many connections and
// random garbage from many connections at once. Throughout, a well-behaved client on its own
// connection keeps sending and receiving, and the broker process must stay up.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { mulberry32 } from "../server/runtime/stomp/stompTestKit";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader, header, StompTestClient } from "./support/stompClient";

const MAX_FRAME = 65536;

/** Sends one message to itself and waits for it: proof that the broker still serves. */
class HealthyClient {
  private n = 0;
  private constructor(private readonly c: StompTestClient) {}

  static async start(port: number): Promise<HealthyClient> {
    const c = await connectStomp(port);
    await c.request("SUBSCRIBE", [["destination", "/queue/healthy"], ["id", "h"]]);
    return new HealthyClient(c);
  }

  async roundTrip(): Promise<void> {
    const body = `ping-${++this.n}`;
    this.c.sendFrame("SEND", [["destination", "/queue/healthy"], ["seq", String(this.n)]], body);
    const f = await this.c.expect("MESSAGE");
    assert.equal(f.body.toString(), body, "the healthy client's messages arrive, in order");
  }

  get count(): number {
    return this.n;
  }

  async stop(): Promise<void> {
    await this.c.disconnect();
  }
}

interface BadCase {
  name: string;
  /** Send a CONNECT (1.2) first. */
  connect: boolean;
  bytes: string | Buffer;
  message: RegExp;
  /** The parser's error code, which the broker logs with the connection id. */
  code?: string;
}

const BAD_FRAMES: BadCase[] = [
  { name: "header line without a colon", connect: true, bytes: "SEND\ndestination:/queue/x\nnocolon\n\nhi\0", message: /has no ':'/, code: "malformed_header" },
  { name: "header with an empty name", connect: true, bytes: "SEND\n:value\n\n\0", message: /empty name/, code: "malformed_header" },
  { name: "undefined escape \\t in 1.2", connect: true, bytes: "SEND\ndestination:/queue/x\nk:a\\tb\n\n\0", message: /undefined escape/, code: "bad_escape" },
  { name: "content-length that is not a number", connect: true, bytes: "SEND\ndestination:/queue/x\ncontent-length:abc\n\nhi\0", message: /not a non-negative integer/, code: "bad_content_length" },
  { name: "negative content-length", connect: true, bytes: "SEND\ndestination:/queue/x\ncontent-length:-1\n\nhi\0", message: /not a non-negative integer/, code: "bad_content_length" },
  { name: "no NUL after a content-length body", connect: true, bytes: "SEND\ndestination:/queue/x\ncontent-length:2\n\nhiX\0", message: /expected NUL/, code: "missing_null" },
  { name: "command with a space", connect: true, bytes: "SE ND\n\n\0", message: /invalid command line/, code: "bad_command" },
  { name: "command of digits before CONNECT", connect: false, bytes: "123\n\n\0", message: /invalid command line/, code: "bad_command" },
  { name: "SEND before CONNECT", connect: false, bytes: "SEND\ndestination:/queue/x\n\nhi\0", message: /^Not connected\.$/ },
  { name: "second CONNECT", connect: true, bytes: "CONNECT\naccept-version:1.2\n\n\0", message: /^Already connected\.$/ },
  { name: "SEND without destination", connect: true, bytes: "SEND\n\nhi\0", message: /SEND received without a Destination specified!/ },
  { name: "illegal destination prefix", connect: true, bytes: "SEND\ndestination:/foo/bar\n\nhi\0", message: /Illegal destination name: \[\/foo\/bar\]/ },
  { name: "malformed heart-beat header", connect: false, bytes: "CONNECT\naccept-version:1.2\nheart-beat:soon\n\n\0", message: /Invalid heart-beat header/ },
  { name: "ACK of an unknown message", connect: true, bytes: "ACK\nid:nope|x\n\n\0", message: /Unexpected ACK received/ },
  { name: "invalid ack mode", connect: true, bytes: "SUBSCRIBE\ndestination:/queue/x\nid:1\nack:sometimes\n\n\0", message: /Invalid ack mode/ },
  { name: "SUBSCRIBE without id in 1.2", connect: true, bytes: "SUBSCRIBE\ndestination:/queue/x\n\n\0", message: /without a subscription id/ },
  { name: "COMMIT of an unknown transaction", connect: true, bytes: "COMMIT\ntransaction:ghost\n\n\0", message: /Invalid transaction id: ghost/ },
  { name: "durable subscription on a queue", connect: true, bytes: "SUBSCRIBE\ndestination:/queue/x\nid:1\nactivemq.subscriptionName:n\n\n\0", message: /cannot durably subscribe to a Queue/ },
  { name: "invalid selector", connect: true, bytes: "SUBSCRIBE\ndestination:/queue/x\nid:1\nselector:a = = 'b\n\n\0", message: /Invalid selector/ },
  { name: "priority out of range", connect: true, bytes: "SEND\ndestination:/queue/x\npriority:42\n\n\0", message: /priority must be an integer 0-9/ },
];

async function open(port: number, connect: boolean): Promise<StompTestClient> {
  return connect ? connectStomp(port) : StompTestClient.open(port);
}

/**
 * Reads the ERROR the broker must send, then requires the close that follows it. The deadline is
 * generous: some of these come from the broker's own timers (connectTimeout) on a loaded machine.
 */
async function expectErrorThenClose(c: StompTestClient, message: RegExp, timeoutMs = 15_000): Promise<void> {
  const f = await c.expect("ERROR", timeoutMs);
  assert.match(header(f, "message"), message);
  // Spec 1.2 "ERROR": a body with details SHOULD say what it is.
  if (f.body.length > 0) assert.equal(header(f, "content-type"), "text/plain");
  await c.waitClosed(timeoutMs);
}

describe("bad input against a broker process", () => {
  let broker: BrokerProcess;
  let healthy: HealthyClient;
  const opened: StompTestClient[] = [];

  before(async () => {
    broker = await startBroker({
      policy: { connectTimeout: "1s", maxRedeliveries: 2 },
      transportOptions: { maximumConnections: 64, "wireFormat.maxFrameSize": MAX_FRAME },
    });
    healthy = await HealthyClient.start(broker.port);
  });

  afterEach(async () => {
    for (const c of opened.splice(0)) c.destroy();
    // After every kind of abuse the broker is alive and still serves its well-behaved client.
    assert.equal(broker.child.exitCode, null, "broker process is alive");
    await healthy.roundTrip();
  });

  after(async () => {
    await healthy?.stop();
    await broker?.stop();
    await broker?.cleanup();
  });

  async function client(connect: boolean): Promise<StompTestClient> {
    const c = await open(broker.port, connect);
    opened.push(c);
    return c;
  }

  /** The broker's log line with the parser's error `code` (for connection `conn`): stdout lags the socket. */
  async function waitLogged(code: string, conn?: string): Promise<void> {
    await broker.waitForLog((l) => l.code === code && (conn === undefined || l.conn === conn)).catch((err: Error) => {
      throw new Error(`no log line with code ${code}${conn === undefined ? "" : ` for ${conn}`}: ${err.message}`);
    });
  }

  test("malformed and invalid frames: ERROR that says why, then close", async () => {
    for (const bad of BAD_FRAMES) {
      const c = await client(bad.connect);
      c.write(bad.bytes);
      await expectErrorThenClose(c, bad.message).catch((err: Error) => {
        throw new Error(`${bad.name}: ${err.message}`);
      });
      if (bad.code) {
        const conn = bad.connect ? c.session : undefined;
        await waitLogged(bad.code, conn).catch(() => {
          assert.fail(`${bad.name}: no log line with code ${bad.code}`);
        });
      }
    }
  });

  test("a receipt on the failing frame is echoed as receipt-id in the ERROR", async () => {
    const c = await client(true);
    c.write("SEND\nreceipt:oops-1\n\nno destination\0");
    const f = await c.expect("ERROR");
    assert.equal(getHeader(f, "receipt-id"), "oops-1");
    await c.waitClosed();
  });

  test("unknown commands: ERROR 'Unknown STOMP action', then close (before and after CONNECT)", async () => {
    for (const [connect, cmd] of [
      [true, "FOO"],
      [true, "send"],
      [false, "HELLO"],
      [true, "MESSAGE"],
    ] as const) {
      const c = await client(connect);
      c.write(`${cmd}\nx:y\n\n\0`);
      await expectErrorThenClose(c, new RegExp(`^Unknown STOMP action: ${cmd}$`));
    }
  });

  test("frames over wireFormat.maxFrameSize: ERROR that says why, then close", async () => {
    // Declared too large: refused from the headers alone, before any body is sent.
    const declared = await client(true);
    declared.write(`SEND\ndestination:/queue/big\ncontent-length:${MAX_FRAME * 2}\n\n`);
    await expectErrorThenClose(declared, new RegExp(`exceeds the frame size limit of ${MAX_FRAME} octets`));
    // The log line is written as the connection closes; read it once it has arrived.
    await waitLogged("frame_too_large", declared.session);

    // Undeclared: a body streamed without content-length is cut off once it crosses the limit.
    const streamed = await client(true);
    streamed.write("SEND\ndestination:/queue/big\n\n");
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    for (let i = 0; i < 8 && !streamed.closed; i++) streamed.write(chunk);
    await expectErrorThenClose(streamed, new RegExp(`frame larger than ${MAX_FRAME} octets`));
    await waitLogged("frame_too_large", streamed.session);

    // Just under the limit is fine.
    const ok = await client(true);
    await ok.request("SEND", [["destination", "/queue/big-ok"]], Buffer.alloc(MAX_FRAME - 200, 0x62));
    await ok.disconnect();
  });

  test("header bombs: 10 000 headers, and a 1 MiB header line", async () => {
    const many = await client(true);
    let frame = "SEND\ndestination:/queue/bomb\n";
    for (let i = 0; i < 10_000; i++) frame += `h${i}:v\n`;
    many.write(frame + "\n\0");
    await expectErrorThenClose(many, /more than \d+ headers/);
    await waitLogged("too_many_headers", many.session);

    const long = await client(true);
    long.write("SEND\ndestination:/queue/bomb\nx:");
    const piece = Buffer.alloc(64 * 1024, 0x41);
    // Written in pieces, as a real attacker would stream it; stop once the broker hangs up.
    for (let i = 0; i < 16 && !long.closed; i++) {
      long.write(piece);
      await new Promise((r) => setImmediate(r));
    }
    await expectErrorThenClose(long, /header line longer than \d+ octets/);
    await waitLogged("header_too_long", long.session);
  });

  test("frames sent after DISCONNECT are ignored, even while its receipt waits for a journal sync", async () => {
    // Spec 1.2 "DISCONNECT": the client MUST NOT send more frames; a broker must not act on them.
    const c = await client(true);
    c.write(
      "SEND\ndestination:/queue/pre-disconnect\npersistent:true\nreceipt:s1\n\nx\0" +
        "DISCONNECT\nreceipt:bye\n\n\0" +
        "SEND\ndestination:/queue/after-disconnect\n\nsneaky\0",
    );
    await c.waitClosed();
    assert.deepEqual(c.frames.map((f) => getHeader(f, "receipt-id")), ["s1", "bye"]);
    const o = await client(true);
    await o.request("SUBSCRIBE", [["destination", "/queue/after-disconnect"], ["id", "x"]]);
    assert.deepEqual((await o.sync()).map((f) => f.body.toString()), [], "the SEND after DISCONNECT was not delivered");
    await o.disconnect();
  });

  test("a client that connects and sends nothing is closed after connectTimeout", async () => {
    const silent = await client(false);
    const partial = await client(false);
    partial.write("CONNECT\naccept-ver"); // a CONNECT that never completes counts as nothing
    await expectErrorThenClose(silent, /No CONNECT frame within the connect timeout/);
    await expectErrorThenClose(partial, /No CONNECT frame within the connect timeout/);
  });

  test("random garbage from 20 connections at once, three rounds, while the healthy client works", async () => {
    const rand = mulberry32(0x5eed);
    let stop = false;
    const healthyLoop = (async () => {
      while (!stop) await healthy.roundTrip();
    })();
    healthyLoop.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
    const before = healthy.count;
    try {
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => fuzzOne(broker.port, rand, round * 20 + i, opened)));
      }
    } finally {
      stop = true;
      await healthyLoop;
    }
    assert.ok(healthy.count > before, "the healthy client made progress during the fuzz");
    assert.equal(broker.child.exitCode, null, "broker process survived the fuzz");
    const internal = broker.logs.filter((l) => typeof l.level === "number" && l.level >= 50);
    assert.deepEqual(internal, [], "no internal errors (a handler threw) while fuzzing");
    // Every fuzz connection is gone from the broker's side: a full set of fresh ones fits again.
    const fresh = await Promise.all(Array.from({ length: 20 }, () => client(true)));
    for (const c of fresh) await c.disconnect();
  });

  test("the broker logged no internal error", () => {
    const internal = broker.logs.filter((l) => typeof l.level === "number" && l.level >= 50);
    assert.deepEqual(internal, []);
  });
});

describe("maximumConnections", () => {
  test("connections past the limit are refused with ERROR; a freed slot is reusable", async () => {
    const broker = await startBroker({
      policy: { connectTimeout: "1s" },
      transportOptions: { maximumConnections: 5, "wireFormat.maxFrameSize": MAX_FRAME },
    });
    const conns: StompTestClient[] = [];
    try {
      for (let i = 0; i < 5; i++) conns.push(await connectStomp(broker.port));
      const refused = await StompTestClient.open(broker.port);
      conns.push(refused);
      await expectErrorThenClose(refused, /Too many connections \(maximumConnections=5\)/);
      await broker.waitForLog((l) => l.msg === "connection refused: too many connections" && l.max === 5);

      // A clean DISCONNECT frees a slot (its receipt is written after the close is counted) …
      await conns[0]!.disconnect();
      const again = await connectStomp(broker.port);
      conns.push(again);
      // … and so does a connection the broker closed for a protocol error.
      conns[1]!.write("BOGUS\n\n\0");
      await expectErrorThenClose(conns[1]!, /Unknown STOMP action/);
      const third = await connectStomp(broker.port);
      conns.push(third);
      // Still full: the limit holds after the churn.
      const refused2 = await StompTestClient.open(broker.port);
      conns.push(refused2);
      await expectErrorThenClose(refused2, /Too many connections/);
      // And the survivors still work.
      await third.request("SUBSCRIBE", [["destination", "/queue/m"], ["id", "m"]]);
      await again.request("SEND", [["destination", "/queue/m"]], "still here");
      assert.equal((await third.expect("MESSAGE")).body.toString(), "still here");
    } finally {
      for (const c of conns) c.destroy();
      await broker.stop();
      await broker.cleanup();
    }
  });
});

// --- fuzzing -------------------------------------------------------------------------------

const COMMANDS = ["SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT", "DISCONNECT", "CONNECT", "STOMP", "MESSAGE", "XYZ"];
const HEADER_NAMES = ["destination", "id", "ack", "receipt", "transaction", "content-length", "selector", "persistent", "priority", "expires", "reply-to", "activemq.prefetchSize", "activemq.subscriptionName", "activemq.exclusive", "subscription", "message-id", "heart-beat", "x"];
const VALUES = ["/queue/f", "/topic/f", "/temp-queue/t", "/remote-temp-queue/mq1-1.t", "/queue/", "client", "client-individual", "auto", "0", "-1", "1", "99999999999", "true", "a = 'b'", "x > 3 AND y LIKE '%z' ESCAPE '!'", "((((", "\\c\\n\\\\", "\\t", "é", ":", "", "1,1"];

/** One hostile connection: a random strategy from a seeded PRNG, so a failure can be replayed. */
async function fuzzOne(port: number, rand: () => number, n: number, opened: StompTestClient[]): Promise<void> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const c = await StompTestClient.open(port);
  opened.push(c);
  const strategy = n % 4;
  const parts: Buffer[] = [];
  if (strategy !== 0) parts.push(Buffer.from(`CONNECT\naccept-version:${pick(["1.0", "1.1", "1.2", "1.2"])}\nhost:x\n\n\0`));
  if (strategy === 0 || strategy === 1) {
    // Pure random bytes.
    const len = 1 + Math.floor(rand() * 4096);
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = Math.floor(rand() * 256);
    parts.push(b);
  } else {
    // Plausible frames with random commands, headers and values, some of them mutated.
    const frames = 1 + Math.floor(rand() * 12);
    for (let k = 0; k < frames; k++) {
      let f = pick(COMMANDS) + "\n";
      const hs = Math.floor(rand() * 6);
      for (let h = 0; h < hs; h++) f += `${pick(HEADER_NAMES)}:${pick(VALUES)}\n`;
      f += "\n" + (rand() < 0.5 ? "body" : "") + "\0";
      let buf = Buffer.from(f);
      if (strategy === 3 && buf.length > 0) {
        buf = Buffer.from(buf); // mutate a copy: flip, insert or truncate
        const flips = 1 + Math.floor(rand() * 3);
        for (let i = 0; i < flips; i++) buf[Math.floor(rand() * buf.length)] = pick([0x00, 0x0a, 0x0d, 0x3a, 0x5c, 0xff, Math.floor(rand() * 256)]);
        if (rand() < 0.3) buf = buf.subarray(0, Math.floor(rand() * buf.length));
      }
      parts.push(buf);
    }
  }
  // Split the bytes at random points so the broker sees every kind of partial read.
  const all = Buffer.concat(parts);
  let pos = 0;
  while (pos < all.length && !c.closed) {
    const step = 1 + Math.floor(rand() * 700);
    c.write(all.subarray(pos, pos + step));
    pos += step;
    if (rand() < 0.3) await new Promise((r) => setImmediate(r));
  }
  // Either the broker hangs up (ERROR, DISCONNECT, connect timeout) or we do, after a while.
  await c.waitClosed(1500).catch(() => undefined);
  c.destroy();
}
