// STOMP semantics of a real `tandem broker` process, checked byte-level over raw sockets:
// version and heart-beat negotiation, dead peers, dispatch (prefetch, fan-out, temp queues),
// redelivery and dead-lettering, transactions on connection loss, receipt ordering, persistence
// across a restart. Ordering is asserted through receipts (a RECEIPT confirms every earlier
// frame and the broker writes to one socket in order), never through sleeps.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader, header, StompTestClient } from "./support/stompClient";

const HEARTBEAT_MS = 300;

describe("STOMP semantics against a broker process", () => {
  let broker: BrokerProcess;
  const clients: StompTestClient[] = [];

  before(async () => {
    broker = await startBroker({
      policy: {
        connectTimeout: "2s",
        maxRedeliveries: 2,
        heartBeat: [HEARTBEAT_MS, HEARTBEAT_MS],
        // A wide margin: the silent client is still caught within ~2 s, and a loaded CI machine
        // cannot stall the beating client's timer long enough to make it look dead.
        heartBeatGraceMultiplier: 5,
      },
      transportOptions: { maximumConnections: 100, "wireFormat.maxFrameSize": 1048576 },
    });
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await broker?.stop();
    await broker?.cleanup();
  });

  /** A connected client that is destroyed after the suite even if a test fails halfway. */
  async function client(acceptVersion = "1.2", headers: Array<[string, string]> = []): Promise<StompTestClient> {
    const c = await connectStomp(broker.port, { acceptVersion, headers });
    clients.push(c);
    return c;
  }

  async function rawClient(): Promise<StompTestClient> {
    const c = await StompTestClient.open(broker.port);
    clients.push(c);
    return c;
  }

  describe("version negotiation", () => {
    test("the highest common version wins; no accept-version means 1.0", async () => {
      for (const [offer, expected] of [
        ["1.0,1.1,1.2", "1.2"],
        ["1.1,1.0", "1.1"],
        ["1.0", "1.0"],
        ["2.0,1.1", "1.1"],
      ] as const) {
        const c = await client(offer);
        assert.equal(c.version, expected, `accept-version ${offer}`);
        await c.disconnect();
      }
      const c = await rawClient();
      c.write("CONNECT\nhost:localhost\n\n\0");
      const f = await c.expect("CONNECTED");
      assert.equal(getHeader(f, "version"), "1.0");
      await c.disconnect();
    });

    test("no common version: ERROR with a version header listing ours, then close", async () => {
      const c = await rawClient();
      c.write("CONNECT\naccept-version:2.0,3.1\nhost:localhost\n\n\0");
      const f = await c.expect("ERROR");
      assert.equal(header(f, "version"), "1.0,1.1,1.2");
      assert.match(header(f, "message"), /Supported protocol versions/);
      await c.waitClosed();
    });
  });

  describe("heart-beats", () => {
    test("CONNECTED states the server's beats; beats arrive when the client asks, and not otherwise", async () => {
      const asking = await client("1.2", [["heart-beat", "0,100"]]);
      const silent = await client("1.2", [["heart-beat", "0,0"]]);
      // The CONNECTED frames were consumed by connectStomp; reconnect one raw to read the header.
      const raw = await rawClient();
      raw.write("CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,100\n\n\0");
      const connected = await raw.expect("CONNECTED");
      assert.equal(header(connected, "heart-beat"), `${HEARTBEAT_MS},${HEARTBEAT_MS}`);
      // Server→client every max(sx=300, cy=100) ms: three beats within a generous bound.
      await asking.waitUntil(() => asking.heartbeats >= 3, 15_000, "three server heart-beats");
      assert.equal(silent.heartbeats, 0, "a client that asked for none (0,0) gets none");
      assert.equal(asking.closed, false, "a client that promised no beats (cx=0) is never timed out");
      await Promise.all([asking.disconnect(), silent.disconnect(), raw.disconnect()]);
    });

    test("a client that promises beats and goes silent is closed; one that keeps beating is not", async () => {
      const dead = await client("1.2", [["heart-beat", "100,0"]]);
      const alive = await client("1.2", [["heart-beat", "100,0"]]);
      // Client→server every max(cx=100, sy=300) = 300 ms; dead after 5 × 300 ms of silence.
      const beat = setInterval(() => alive.write("\n"), 100);
      try {
        // Caught after ~1.5 s of silence; the bound leaves room for a loaded machine's timers.
        await dead.waitClosed(15_000);
        assert.equal(alive.closed, false);
        // It stays up for several more timeout periods while it keeps beating.
        const until = Date.now() + 2 * 5 * HEARTBEAT_MS;
        await alive.waitUntil(() => Date.now() >= until || alive.closed, 15_000);
        assert.equal(alive.closed, false, "a beating client is not timed out");
      } finally {
        clearInterval(beat);
      }
      // Throws when the broker never logged the heart-beat timeout of the silent connection.
      await broker.waitForLog((l) => l.msg === "heart-beat timeout" && l.conn === dead.session);
      await alive.disconnect();
    });
  });

  describe("dispatch", () => {
    test("competing consumers with activemq.prefetchSize:1 get one message each until they ack", async () => {
      const q = "/queue/fair";
      const a = await client();
      const b = await client();
      const sub = (id: string): Array<[string, string]> => [
        ["destination", q],
        ["id", id],
        ["ack", "client-individual"],
        ["activemq.prefetchSize", "1"],
      ];
      await a.request("SUBSCRIBE", sub("a"));
      await b.request("SUBSCRIBE", sub("b"));
      const p = await client();
      for (let i = 0; i < 6; i++) await p.request("SEND", [["destination", q]], `m${i}`);
      // Dispatch happened at enqueue time; a round trip on each consumer shows what it holds.
      const heldA = (await a.sync()).filter((f) => f.command === "MESSAGE");
      const heldB = (await b.sync()).filter((f) => f.command === "MESSAGE");
      assert.deepEqual(heldA.map((f) => f.body.toString()), ["m0"], "prefetch 1: consumer a holds exactly one");
      assert.deepEqual(heldB.map((f) => f.body.toString()), ["m1"], "round robin: consumer b holds the next one");
      // Lock-step acks: each ACK frees one credit, which the queue fills with the next message.
      const gotA = [heldA[0]!];
      const gotB = [heldB[0]!];
      for (let i = 0; i < 2; i++) {
        a.sendFrame("ACK", [["id", header(gotA.at(-1)!, "ack")]]);
        gotA.push(await a.expect("MESSAGE"));
        b.sendFrame("ACK", [["id", header(gotB.at(-1)!, "ack")]]);
        gotB.push(await b.expect("MESSAGE"));
      }
      assert.deepEqual(gotA.map((f) => f.body.toString()), ["m0", "m2", "m4"]);
      assert.deepEqual(gotB.map((f) => f.body.toString()), ["m1", "m3", "m5"]);
      for (const [c, f] of [[a, gotA.at(-1)!], [b, gotB.at(-1)!]] as const) {
        await c.request("ACK", [["id", header(f, "ack")]]);
        assert.deepEqual(await c.sync(), [], "nothing left to dispatch");
      }
      await Promise.all([a.disconnect(), b.disconnect(), p.disconnect()]);
    });

    test("a topic fans every message out to every subscriber, in order", async () => {
      const t = "/topic/fanout";
      const subs = await Promise.all([client(), client("1.1"), client("1.0")]);
      for (const [i, s] of subs.entries()) await s.request("SUBSCRIBE", [["destination", t], ["id", `s${i}`]]);
      const p = await client();
      for (let i = 0; i < 5; i++) await p.request("SEND", [["destination", t]], `t${i}`);
      for (const s of subs) {
        const got: string[] = [];
        for (let i = 0; i < 5; i++) got.push((await s.expect("MESSAGE")).body.toString());
        assert.deepEqual(got, ["t0", "t1", "t2", "t3", "t4"]);
      }
      await Promise.all([...subs, p].map((c) => c.disconnect()));
    });

    test("temp-queue request/reply across connections; the temp queue dies with its connection", async () => {
      const requester = await client();
      const service = await client();
      await requester.request("SUBSCRIBE", [["destination", "/temp-queue/replies"], ["id", "r"]]);
      await service.request("SUBSCRIBE", [["destination", "/queue/service"], ["id", "s"]]);
      requester.sendFrame("SEND", [["destination", "/queue/service"], ["reply-to", "/temp-queue/replies"], ["correlation-id", "c1"]], "ping");
      const req = await service.expect("MESSAGE");
      const replyTo = header(req, "reply-to");
      assert.equal(replyTo, `/remote-temp-queue/${requester.session}.replies`, "reply-to names the requester's temp queue");
      await service.request("SEND", [["destination", replyTo], ["correlation-id", header(req, "correlation-id")]], "pong");
      const reply = await requester.expect("MESSAGE");
      assert.equal(reply.body.toString(), "pong");
      assert.equal(header(reply, "correlation-id"), "c1");
      assert.equal(header(reply, "destination"), "/temp-queue/replies");

      await requester.disconnect();
      // The requester's DISCONNECT receipt came after its close began; the temp queue is gone with it.
      service.sendFrame("SEND", [["destination", replyTo], ["receipt", "late"]], "too late");
      const err = await service.expect("ERROR");
      assert.match(header(err, "message"), /no longer exists/);
      assert.equal(getHeader(err, "receipt-id"), "late");
      await service.waitClosed();
    });
  });

  describe("redelivery", () => {
    test("a consumer that dies with unacked messages: another consumer gets them, redelivered", async () => {
      const q = "/queue/crash-redelivery";
      const victim = await client();
      await victim.request("SUBSCRIBE", [["destination", q], ["id", "v"], ["ack", "client"]]);
      const p = await client();
      await p.request("SEND", [["destination", q]], "u1");
      await p.request("SEND", [["destination", q]], "u2");
      const first = [await victim.expect("MESSAGE"), await victim.expect("MESSAGE")];
      const heir = await client("1.1");
      await heir.request("SUBSCRIBE", [["destination", q], ["id", "h"], ["ack", "client"]]);
      victim.destroy(); // no DISCONNECT, no ACK: a crashed consumer
      const got = [await heir.expect("MESSAGE"), await heir.expect("MESSAGE")];
      assert.deepEqual(got.map((f) => f.body.toString()), ["u1", "u2"], "redelivered in the original order");
      assert.deepEqual(got.map((f) => header(f, "message-id")), first.map((f) => header(f, "message-id")));
      for (const f of got) {
        assert.equal(header(f, "redelivered"), "true");
        assert.equal(header(f, "delivery-count"), "2");
      }
      await heir.request("ACK", [["message-id", header(got[1]!, "message-id")], ["subscription", "h"]]);
      await Promise.all([heir.disconnect(), p.disconnect()]);
    });

    test("NACKed maxRedeliveries+1 times → /queue/DLQ.<name> with original-destination", async () => {
      const c = await client();
      await c.request("SUBSCRIBE", [["destination", "/queue/poison"], ["id", "p"], ["ack", "client-individual"]]);
      await c.request("SEND", [["destination", "/queue/poison"], ["persistent", "true"], ["x-app", "kept"]], "bad");
      const counts: Array<string | undefined> = [];
      for (let i = 0; i < 3; i++) {
        const m = await c.expect("MESSAGE");
        counts.push(getHeader(m, "delivery-count"));
        c.sendFrame("NACK", [["id", header(m, "ack")]]);
      }
      assert.deepEqual(counts, [undefined, "2", "3"]);
      assert.deepEqual(await c.sync(), [], "no fourth delivery from the original queue");
      await c.request("SUBSCRIBE", [["destination", "/queue/DLQ.poison"], ["id", "d"]]);
      const dead = await c.expect("MESSAGE");
      assert.equal(dead.body.toString(), "bad");
      assert.equal(header(dead, "original-destination"), "/queue/poison");
      assert.equal(header(dead, "x-app"), "kept", "user headers survive dead-lettering");
      assert.equal(header(dead, "persistent"), "true");
      await c.disconnect();
    });
  });

  test("a transaction is rolled back when its connection drops", async () => {
    const work = "/queue/tx-drop-work";
    const out = "/queue/tx-drop-out";
    const p = await client();
    await p.request("SEND", [["destination", work]], "job");
    const worker = await client();
    await worker.request("SUBSCRIBE", [["destination", work], ["id", "w"], ["ack", "client-individual"]]);
    const job = await worker.expect("MESSAGE");
    // Consume-transform-produce inside one transaction, then crash before COMMIT.
    await worker.request("BEGIN", [["transaction", "t1"]]);
    await worker.request("ACK", [["id", header(job, "ack")], ["transaction", "t1"]]);
    await worker.request("SEND", [["destination", out], ["transaction", "t1"]], "result");
    const observer = await client();
    await observer.request("SUBSCRIBE", [["destination", out], ["id", "o"]]);
    await observer.request("SUBSCRIBE", [["destination", work], ["id", "w2"], ["ack", "client-individual"]]);
    worker.destroy();
    // The rollback hands the acked job back; its arrival proves the broker processed the drop.
    const again = await observer.expect("MESSAGE");
    assert.equal(again.body.toString(), "job");
    assert.equal(header(again, "destination"), work);
    assert.equal(header(again, "redelivered"), "true");
    await p.request("SEND", [["destination", out]], "marker");
    const next = await observer.expect("MESSAGE");
    assert.equal(next.body.toString(), "marker", "the uncommitted transactional SEND was discarded");
    await Promise.all([observer.disconnect(), p.disconnect()]);
  });

  test("after a drop, in-flight and transactionally-acked messages come back in their original order", async () => {
    const q = "/queue/tx-drop-order";
    const p = await client();
    for (const x of ["j1", "j2", "j3"]) await p.request("SEND", [["destination", q]], x);
    const worker = await client();
    await worker.request("SUBSCRIBE", [["destination", q], ["id", "w"], ["ack", "client-individual"]]);
    const jobs = [await worker.expect("MESSAGE"), await worker.expect("MESSAGE"), await worker.expect("MESSAGE")];
    await worker.request("BEGIN", [["transaction", "t"]]);
    await worker.request("ACK", [["id", header(jobs[0]!, "ack")], ["transaction", "t"]]);
    const heir = await client();
    await heir.request("SUBSCRIBE", [["destination", q], ["id", "h"]]);
    worker.destroy();
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push((await heir.expect("MESSAGE")).body.toString());
    assert.deepEqual(got, ["j1", "j2", "j3"], "queue order survives the rollback of the dropped connection");
    await Promise.all([heir.disconnect(), p.disconnect()]);
  });

  test("a SUBSCRIBE receipt precedes the first MESSAGE, even on a full queue", async () => {
    const p = await client();
    const c = await client();
    for (let round = 0; round < 10; round++) {
      const q = `/queue/receipt-first-${round}`;
      for (let i = 0; i < 5; i++) p.sendFrame("SEND", [["destination", q]], `x${i}`);
      await p.sync();
      c.sendFrame("SUBSCRIBE", [["destination", q], ["id", `s${round}`], ["receipt", `sub-${round}`]]);
      const first = await c.nextFrame();
      assert.equal(first.command, "RECEIPT", `round ${round}: got ${first.command} before the RECEIPT`);
      assert.equal(header(first, "receipt-id"), `sub-${round}`);
      for (let i = 0; i < 5; i++) assert.equal((await c.expect("MESSAGE")).body.toString(), `x${i}`);
    }
    await Promise.all([p.disconnect(), c.disconnect()]);
  });

  test("a SUBSCRIBE receipt precedes the first MESSAGE while an earlier persistent SEND awaits its receipt", async () => {
    // Pipelined: the persistent SEND's RECEIPT waits for the journal sync, and the SUBSCRIBE's
    // RECEIPT is ordered after it; no MESSAGE of the new subscription may overtake that RECEIPT.
    const p = await client();
    const c = await client();
    for (let round = 0; round < 5; round++) {
      const q = `/queue/receipt-first-pipelined-${round}`;
      await p.request("SEND", [["destination", q]], "waiting");
      c.write(
        Buffer.concat([
          Buffer.from(`SEND\ndestination:/queue/elsewhere\npersistent:true\nreceipt:send-${round}\n\nx\0`),
          Buffer.from(`SUBSCRIBE\ndestination:${q}\nid:s${round}\nreceipt:sub-${round}\n\n\0`),
        ]),
      );
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const f = await c.nextFrame();
        order.push(f.command === "RECEIPT" ? header(f, "receipt-id") : `${f.command}:${f.body.toString()}`);
      }
      assert.deepEqual(order, [`send-${round}`, `sub-${round}`, "MESSAGE:waiting"], `round ${round}`);
    }
    await Promise.all([p.disconnect(), c.disconnect()]);
  });

  test("a connection may send to its own /temp-queue/ before subscribing to it", async () => {
    const c = await client();
    await c.request("SEND", [["destination", "/temp-queue/early"]], "first");
    await c.request("SUBSCRIBE", [["destination", "/temp-queue/early"], ["id", "t"]]);
    assert.equal((await c.expect("MESSAGE")).body.toString(), "first");
    await c.disconnect();
  });

  test("the broker logged no internal error", () => {
    const internal = broker.logs.filter((l) => typeof l.level === "number" && l.level >= 50);
    assert.deepEqual(internal, []);
  });
});

describe("persistence across a clean restart", () => {
  test("a persistent message survives stop + start on the same data dir; a non-persistent one does not", async () => {
    const first = await startBroker({ policy: { connectTimeout: "2s" } });
    let second: BrokerProcess | undefined;
    try {
      const p = await connectStomp(first.port);
      await p.request("SEND", [["destination", "/queue/durable-q"], ["persistent", "true"]], "kept");
      await p.request("SEND", [["destination", "/queue/durable-q"]], "lost");
      await p.request("SEND", [["destination", "/queue/durable-q"], ["persistent", "true"], ["x-n", "2"]], "kept-2");
      await p.disconnect();
      await first.stop();
      assert.equal(first.child.exitCode, 0, "clean stop exits 0");

      second = await startBroker({ dataDir: first.dataDir, policy: { connectTimeout: "2s" } });
      const recovered = second.logs.find((l) => l.msg === "journal recovered" && typeof l.messages === "number");
      assert.equal(recovered?.messages, 2, "the journal held the two persistent messages");
      const c = await connectStomp(second.port);
      await c.request("SUBSCRIBE", [["destination", "/queue/durable-q"], ["id", "s"]]);
      const a = await c.expect("MESSAGE");
      const b = await c.expect("MESSAGE");
      assert.deepEqual([a.body.toString(), b.body.toString()], ["kept", "kept-2"]);
      assert.equal(header(b, "x-n"), "2");
      assert.equal(header(a, "persistent"), "true");
      await c.request("SEND", [["destination", "/queue/durable-q"]], "after");
      assert.equal((await c.expect("MESSAGE")).body.toString(), "after", "the non-persistent message did not come back");
      await c.disconnect();
    } finally {
      await first.stop();
      await second?.stop();
      await first.cleanup();
    }
  });

  test("acks, committed transactional acks, dead letters and durable subscriptions survive a restart", async () => {
    const policy = { connectTimeout: "2s", maxRedeliveries: 1 };
    const first = await startBroker({ policy });
    let second: BrokerProcess | undefined;
    try {
      const c = await connectStomp(first.port, { headers: [["client-id", "restart-client"]] });
      const durable: Array<[string, string]> = [["destination", "/topic/restart"], ["id", "d"], ["activemq.subscriptionName", "n"]];
      await c.request("SUBSCRIBE", durable);
      await c.request("UNSUBSCRIBE", [["id", "d"]]); // inactive, not destroyed
      for (const body of ["acked", "tx-acked", "dead", "left"]) {
        await c.request("SEND", [["destination", "/queue/restart"], ["persistent", "true"]], body);
      }
      await c.request("SEND", [["destination", "/topic/restart"], ["persistent", "true"]], "for-durable");
      await c.request("SUBSCRIBE", [["destination", "/queue/restart"], ["id", "s"], ["ack", "client-individual"], ["activemq.prefetchSize", "3"]]);
      const [acked, txAcked, dead] = [await c.expect("MESSAGE"), await c.expect("MESSAGE"), await c.expect("MESSAGE")];
      await c.request("ACK", [["id", header(acked!, "ack")]]);
      await c.request("BEGIN", [["transaction", "t"]]);
      await c.request("ACK", [["id", header(txAcked!, "ack")], ["transaction", "t"]]);
      await c.request("COMMIT", [["transaction", "t"]]);
      await c.request("NACK", [["id", header(dead!, "ack")]]);
      // With credit back, "left" and the redelivered "dead" arrive in some order; NACK "dead" again.
      const more = [await c.expect("MESSAGE"), await c.expect("MESSAGE")];
      const again = more.find((m) => m.body.toString() === "dead")!;
      assert.ok(again, "dead was redelivered once");
      await c.request("NACK", [["id", header(again, "ack")]]); // past maxRedeliveries (1): DLQ
      await c.disconnect(); // "left" goes back to the queue unacked
      await first.stop();

      second = await startBroker({ dataDir: first.dataDir, policy });
      const d = await connectStomp(second.port, { headers: [["client-id", "restart-client"]] });
      const seen: string[] = [];
      await d.request("SUBSCRIBE", [["destination", "/queue/restart"], ["id", "q"]]);
      await d.request("SUBSCRIBE", [["destination", "/queue/DLQ.restart"], ["id", "dlq"]]);
      await d.request("SUBSCRIBE", durable);
      for (let i = 0; i < 3; i++) {
        const m = await d.expect("MESSAGE");
        seen.push(`${header(m, "destination")} ${m.body.toString()}`);
      }
      assert.deepEqual(seen.sort(), ["/queue/DLQ.restart dead", "/queue/restart left", "/topic/restart for-durable"]);
      assert.deepEqual(await d.sync(), [], "acked and committed messages stay gone");
      await d.disconnect();
    } finally {
      await first.stop();
      await second?.stop();
      await first.cleanup();
    }
  });
});
