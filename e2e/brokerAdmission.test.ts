// Admission control against real broker processes (issue 10, "one client cannot hurt the
// others"): password checks off the event loop, failed-login back-off per address, the CONNECT
// size limit, stalled frames, idle connections, the per-address connection cap, the WebSocket
// Origin check and heart-beat negotiation.
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { describe, test } from "node:test";
import { Client } from "@stomp/stompjs";
import WebSocket from "ws";
import { hashPassword } from "../server/runtime/security/passwordHash";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader, header, StompTestClient } from "./support/stompClient";

const WAIT_MS = 15_000;

async function withBroker(options: Parameters<typeof startBroker>[0], body: (b: BrokerProcess) => Promise<void>): Promise<void> {
  const b = await startBroker(options);
  try {
    await body(b);
    assert.equal(b.child.exitCode, null, "the broker process is alive");
  } finally {
    await b.stop();
    await b.cleanup();
  }
}

/** CONNECT with credentials on a fresh socket; returns the client and the first frame the broker answers. */
async function tryLogin(port: number, login: string, passcode: string): Promise<{ c: StompTestClient; command: string; message: string }> {
  const c = await StompTestClient.open(port);
  c.sendFrame("CONNECT", [["accept-version", "1.2"], ["host", "localhost"], ["login", login], ["passcode", passcode]]);
  const f = await c.nextFrame(WAIT_MS);
  return { c, command: f.command, message: getHeader(f, "message") ?? "" };
}

async function expectErrorThenClose(c: StompTestClient, message: RegExp): Promise<void> {
  const f = await c.expect("ERROR", WAIT_MS);
  assert.match(header(f, "message"), message);
  await c.waitClosed(WAIT_MS);
}

describe("password checks and failed logins", () => {
  test("bad logins do not stall other connections: checks run off the event loop", async () => {
    // One user whose hash is deliberately expensive (N=65536, p=2: about a second or more of CPU
    // per check), so that a check is long enough to watch: the old synchronous check blocked the
    // event loop for all of it, and the healthy client could not complete a single round trip.
    const users = [
      { username: "app", passwordHash: await hashPassword("app-pw", { N: 1024, r: 8, p: 1 }), groups: ["apps"] },
      { username: "slow", passwordHash: await hashPassword("slow-pw", { N: 65536, r: 8, p: 2 }), groups: [] },
    ];
    await withBroker(
      { cluster: { users, authorizationEntries: [{ destination: "/queue/>", read: ["apps"], write: ["apps"], admin: ["apps"] }] } },
      async (b) => {
        const healthy = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
        await healthy.request("SUBSCRIBE", [["destination", "/queue/ping"], ["id", "p"]]);
        const attackers = await Promise.all(Array.from({ length: 2 }, () => StompTestClient.open(b.port)));
        let done = false;
        let roundTrips = 0;
        let loopError: unknown = null;
        const loop = (async () => {
          while (!done) {
            healthy.sendFrame("SEND", [["destination", "/queue/ping"]], "p");
            await healthy.expect("MESSAGE", 60_000);
            roundTrips++;
          }
        })().catch((err: unknown) => {
          loopError = err; // reported below, after the attackers' answers
        });
        for (const a of attackers) a.sendFrame("CONNECT", [["accept-version", "1.2"], ["host", "x"], ["login", "slow"], ["passcode", "guess"]]);
        await Promise.all(attackers.map((a) => a.expect("ERROR", 60_000)));
        const during = roundTrips;
        done = true;
        await loop;
        if (loopError) throw loopError;
        console.log(`healthy round trips while two slow password checks ran: ${during}`);
        assert.ok(during >= 10, `the healthy client completed ${during} round trips while two bad logins were checked`);
        await healthy.disconnect();
      },
    );
  });

  test("failed logins from one address are throttled, with an ERROR that says why", async () => {
    const users = [{ username: "app", passwordHash: await hashPassword("app-pw", { N: 1024, r: 8, p: 1 }), groups: [] }];
    await withBroker({ cluster: { users }, policy: { loginFailuresPerAddress: 3, loginBackoff: "3s", loginBackoffMax: "1m" } }, async (b) => {
      for (let i = 0; i < 4; i++) {
        const r = await tryLogin(b.port, "app", `wrong-${i}`);
        assert.equal(r.command, "ERROR");
        assert.match(r.message, /Authentication failed/);
        await r.c.waitClosed(WAIT_MS);
      }
      // Locked now: even the right password is refused without being checked.
      const locked = await tryLogin(b.port, "app", "app-pw");
      assert.equal(locked.command, "ERROR");
      assert.match(locked.message, /^Too many failed logins from 127\.0\.0\.1, try again in \d+ s$/);
      await locked.c.waitClosed(WAIT_MS);
      await b.waitForLog((l) => l.msg === "login refused: too many failed logins from this address");
      // The wait ends: the right password works again.
      let ok: Awaited<ReturnType<typeof tryLogin>> | null = null;
      for (let i = 0; i < 20 && ok?.command !== "CONNECTED"; i++) {
        await new Promise((r) => setTimeout(r, 500));
        ok?.c.destroy();
        ok = await tryLogin(b.port, "app", "app-pw");
      }
      assert.equal(ok?.command, "CONNECTED");
      ok?.c.destroy();
    });
  });

  test("frames pipelined behind CONNECT are read only after it is accepted, and then all of them", async () => {
    const users = [{ username: "app", passwordHash: await hashPassword("app-pw", { N: 1024, r: 8, p: 1 }), groups: ["apps"] }];
    const authorizationEntries = [{ destination: "/queue/>", read: ["apps"], write: ["apps"], admin: ["apps"] }];
    await withBroker({ cluster: { users, authorizationEntries } }, async (b) => {
      const c = await StompTestClient.open(b.port);
      // A SEND larger than the CONNECT limit (8 KiB) in the same write: it is parsed with the
      // connection's full limits once the login is accepted.
      const big = "x".repeat(20_000);
      c.write(
        "CONNECT\naccept-version:1.2\nhost:x\nlogin:app\npasscode:app-pw\n\n\0" +
          `SEND\ndestination:/queue/piped\n\n${big}\0` +
          "SUBSCRIBE\ndestination:/queue/piped\nid:s\n\n\0",
      );
      await c.expect("CONNECTED", WAIT_MS);
      assert.equal((await c.expect("MESSAGE", WAIT_MS)).body.toString(), big);
      c.destroy();
      const bad = await StompTestClient.open(b.port);
      bad.write("CONNECT\naccept-version:1.2\nhost:x\nlogin:app\npasscode:nope\n\n\0SEND\ndestination:/queue/sneaky\n\nx\0");
      await expectErrorThenClose(bad, /Authentication failed/);
      const check = await connectStomp(b.port, { headers: [["login", "app"], ["passcode", "app-pw"]] });
      await check.request("SUBSCRIBE", [["destination", "/queue/sneaky"], ["id", "s"]]);
      assert.deepEqual((await check.sync()).map((f) => f.command), [], "nothing behind a refused CONNECT was acted on");
      await check.disconnect();
    });
    // Open access answers at once (no check, no pause): the pipelined frames are read right away.
    await withBroker({}, async (b) => {
      const c = await StompTestClient.open(b.port);
      c.write("CONNECT\naccept-version:1.2\nhost:x\n\n\0SUBSCRIBE\ndestination:/queue/open\nid:s\n\n\0SEND\ndestination:/queue/open\n\nhi\0");
      await c.expect("CONNECTED", WAIT_MS);
      assert.equal((await c.expect("MESSAGE", WAIT_MS)).body.toString(), "hi");
      c.destroy();
    });
  });
});

describe("frames and idle connections", () => {
  test("before CONNECT only a frame of maxConnectFrameSize is read; a stalled frame and an idle connection are dropped", async () => {
    await withBroker(
      { policy: { maxConnectFrameSize: "2kb", frameReadTimeout: "1s", inactivityTimeout: "1500ms", connectTimeout: "20s" } },
      async (b) => {
        const big = await StompTestClient.open(b.port);
        big.write(`CONNECT\naccept-version:1.2\nhost:x\nx-pad:${"p".repeat(3000)}\n\n\0`);
        await expectErrorThenClose(big, /frame larger than 2048 octets|header line longer than 2048 octets/);

        // A frame that stops arriving is dropped after frameReadTimeout, with an ERROR that says so.
        const stalled = await connectStomp(b.port);
        stalled.write("SEND\ndestination:/queue/x\n\nhalf a bo");
        await expectErrorThenClose(stalled, /^Incomplete frame: no bytes for \d+ ms \(frameReadTimeout=1000 ms\)$/);

        // No heart-beat negotiated and nothing sent: closed after inactivityTimeout …
        const idle = await connectStomp(b.port);
        await expectErrorThenClose(idle, /^Inactive: nothing received for \d+ ms and no heart-beat negotiated \(inactivityTimeout=1500 ms\)$/);
        await b.waitForLog((l) => l.reason === "inactivity_timeout");

        // … while a client that keeps talking (here: bare EOLs every 300 ms) stays.
        const chatty = await connectStomp(b.port);
        for (let i = 0; i < 12; i++) {
          chatty.write("\n");
          await new Promise((r) => setTimeout(r, 300));
        }
        assert.equal(chatty.closed, false, "an active client is not closed");
        // A consumer waiting on a quiet queue sends nothing either, and is not idle.
        const waiting = await connectStomp(b.port);
        waiting.sendFrame("SUBSCRIBE", [["destination", "/queue/quiet"], ["id", "s1"]], "");
        await new Promise((r) => setTimeout(r, 3_000));
        assert.equal(waiting.closed, false, "a subscribed consumer is not closed for silence");
        await waiting.disconnect();
        // And one that negotiated heart-beats is watched by the heart-beat timer instead.
        const beating = await connectStomp(b.port, { headers: [["heart-beat", "1000,0"]] });
        for (let i = 0; i < 8; i++) {
          beating.write("\n");
          await new Promise((r) => setTimeout(r, 400));
        }
        assert.equal(beating.closed, false);
        await chatty.disconnect();
        await beating.disconnect();
      },
    );
  });
});

describe("connection limits per source address", () => {
  test("maximumConnectionsPerAddress: one address cannot take every slot", async () => {
    await withBroker({ transportOptions: { maximumConnections: 10, maximumConnectionsPerAddress: 3 } }, async (b) => {
      const mine = await Promise.all(Array.from({ length: 3 }, () => connectStomp(b.port)));
      const refused = await StompTestClient.open(b.port);
      await expectErrorThenClose(refused, /^Too many connections from 127\.0\.0\.1 \(maximumConnectionsPerAddress=3\)$/);
      // Another source address (any 127/8 address is loopback on Linux) still gets in.
      const other = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ port: b.port, host: "127.0.0.1", localAddress: "127.0.0.2" });
        s.once("error", reject);
        s.once("connect", () => resolve(s));
      });
      const reply = await new Promise<string>((resolve) => {
        let got = "";
        other.on("data", (d: Buffer) => {
          got += d.toString();
          if (got.includes("\0")) resolve(got);
        });
        other.write("CONNECT\naccept-version:1.2\nhost:x\n\n\0");
      });
      assert.match(reply, /^CONNECTED\n/);
      other.destroy();
      // A freed slot is usable again.
      await mine[0]!.disconnect();
      const again = await connectStomp(b.port);
      for (const c of [...mine.slice(1), again]) await c.disconnect();
    });
  });
});

describe("WebSocket Origin", () => {
  test("browsers from unlisted origins are refused; listed origins and non-browser clients are served", async () => {
    await withBroker({ websocket: { allowedOrigins: "https://app.example.com" } }, async (b) => {
      const url = `ws://127.0.0.1:${b.wsPort}/`;
      const attempt = (origin?: string): Promise<{ status: number | null; reply: string }> =>
        new Promise((resolve) => {
          const ws = new WebSocket(url, ["v12.stomp"], origin ? { origin } : {});
          ws.on("unexpected-response", (_req, res) => {
            resolve({ status: res.statusCode ?? null, reply: "" });
            ws.terminate();
          });
          ws.on("error", () => undefined);
          ws.on("open", () => ws.send("CONNECT\naccept-version:1.2\nhost:x\n\n\0"));
          ws.on("message", (data: Buffer) => {
            resolve({ status: 101, reply: data.toString() });
            ws.close();
          });
        });
      const evil = await attempt("https://evil.example");
      assert.equal(evil.status, 403, "a page from another origin is refused at the handshake");
      assert.match((await attempt("https://app.example.com")).reply, /^CONNECTED\n/);
      assert.match((await attempt()).reply, /^CONNECTED\n/, "a client without Origin (not a browser) is served");
      await b.waitForLog((l) => l.msg === "websocket refused: Origin not in allowedOrigins" && l.origin === "https://evil.example");
    });
  });

  test("default: no browser origin is allowed", async () => {
    await withBroker({ websocket: {} }, async (b) => {
      const status = await new Promise<number | null>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${b.wsPort}/`, ["v12.stomp"], { origin: "http://localhost:3000" });
        ws.on("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? null);
          ws.terminate();
        });
        ws.on("error", () => undefined);
        ws.on("open", () => {
          resolve(101);
          ws.close();
        });
      });
      assert.equal(status, 403);
    });
  });
});

/** CONNECT with a heart-beat header; returns the client and the CONNECTED frame's heart-beat answer. */
async function connectBeating(port: number, hb: string): Promise<[StompTestClient, string]> {
  const c = await StompTestClient.open(port);
  c.sendFrame("CONNECT", [["accept-version", "1.2"], ["host", "x"], ["heart-beat", hb]]);
  const f = await c.expect("CONNECTED", WAIT_MS);
  return [c, header(f, "heart-beat")];
}

describe("heart-beat negotiation", () => {
  test("a client's shorter interval is granted down to minHeartBeat, and the server keeps to it", async () => {
    await withBroker({ policy: { minHeartBeat: 500 } }, async (b) => {
      // stompjs' ping specs: 1000 ms both ways; the configured 10 s must not override it.
      const [c, answer] = await connectBeating(b.port, "1000,1000");
      assert.equal(answer, "1000,1000");
      const start = c.heartbeats;
      // The server beats about every second: several within a few seconds (bounded wait, no tight timing).
      for (let i = 0; i < 60 && c.heartbeats - start < 2; i++) {
        c.write("\n");
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(c.heartbeats - start >= 2, `server heart-beats received: ${c.heartbeats - start}`);
      c.destroy();
      const [fast, fastAnswer] = await connectBeating(b.port, "10,10");
      assert.equal(fastAnswer, "500,500", "never below the floor");
      fast.destroy();
      const [none, noneAnswer] = await connectBeating(b.port, "0,0");
      assert.equal(noneAnswer, "10000,10000");
      none.destroy();
    });
  });
});

describe("heart-beats with @stomp/stompjs (its ping specs: 1000 ms)", () => {
  /** A stompjs client over `ws`; `dropPings` eats its outgoing heart-beats, as stompjs' spec wrapper does. */
  function stompjs(port: number, incoming: number, outgoing: number, dropPings = false): Client {
    const url = `ws://127.0.0.1:${port}/`;
    return new Client({
      brokerURL: url,
      webSocketFactory: () => {
        const ws = new WebSocket(url, ["v12.stomp", "v11.stomp", "v10.stomp"]);
        if (dropPings) {
          const send = ws.send.bind(ws) as (data: unknown) => void;
          (ws as unknown as { send: (data: unknown) => void }).send = (data) => {
            if (String(data).length === 1) return; // eat the ping
            send(data);
          };
        }
        return ws;
      },
      reconnectDelay: 0,
      heartbeatIncoming: incoming,
      heartbeatOutgoing: outgoing,
    });
  }

  test("the server pings at the client's 1000 ms, and drops a client whose 1000 ms pings stop", async () => {
    await withBroker({ websocket: {} }, async (b) => {
      // Incoming: three server beats well before the configured 10 s would have produced one.
      const c = stompjs(b.wsPort!, 1000, 1000);
      let beats = 0;
      let lost = false;
      c.onHeartbeatReceived = () => beats++;
      c.onHeartbeatLost = () => (lost = true);
      await new Promise<void>((resolve) => {
        c.onConnect = () => resolve();
        c.activate();
      });
      for (let i = 0; i < 150 && beats < 3; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(beats >= 3, `server heart-beats seen by stompjs within 15 s: ${beats}`);
      assert.equal(lost, false);
      await c.deactivate();

      // Outgoing: the client promised a beat per second; when they stop the server closes it
      // after the grace period (2 × 1 s), not after 2 × the configured 10 s.
      const mute = stompjs(b.wsPort!, 0, 1000, true);
      const closed = new Promise<void>((resolve) => (mute.onWebSocketClose = () => resolve()));
      await new Promise<void>((resolve) => {
        mute.onConnect = () => resolve();
        mute.activate();
      });
      const started = Date.now();
      const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 15_000))]);
      assert.equal(timedOut, false, "the server closed the silent client within 15 s");
      await b.waitForLog((l) => l.msg === "heart-beat timeout");
      console.log(`silent stompjs client closed after ${Date.now() - started} ms`);
      await mute.deactivate();
    });
  });
});
