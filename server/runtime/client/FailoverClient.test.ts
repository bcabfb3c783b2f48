// The failover transport against real broker processes (kill -9) and, where a lost receipt must
// be forced deterministically, a scripted peer on a real socket that accepts a SEND and drops the
// connection without answering.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "../../../e2e/support/brokerProcess";
import { freePorts } from "../../../e2e/support/clusterProcess";
import { FailoverClient } from "./FailoverClient";
import { TransactionRolledBackError } from "./StompError";
import type { StompMessage } from "./StompMessage";

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A peer that answers CONNECT, then drops the connection as soon as a SEND arrives (no RECEIPT). */
async function receiptSwallower(): Promise<{ server: Server; port: number; sends: string[]; close(): Promise<void> }> {
  const sends: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (buf.startsWith("CONNECT") && buf.includes("\0") && !buf.includes("SEND")) {
        sock.write("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0");
      }
      const at = buf.indexOf("SEND\n");
      if (at !== -1 && buf.indexOf("\0", at) !== -1) {
        sends.push(buf.slice(at));
        sock.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as import("node:net").AddressInfo).port;
  return {
    server,
    port,
    sends,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("FailoverClient", () => {
  let b: BrokerProcess;
  before(async () => {
    b = await startBroker({ sync: "local_mem" });
  });
  after(async () => {
    await b.stop();
    await b.cleanup();
  });

  test("kill -9 of the broker in use: resumes on the next URI, re-subscribes, keeps sending", async () => {
    const a = await startBroker({ sync: "local_mem" });
    const events: string[] = [];
    const client = await FailoverClient.connect({ uri: `failover:(stomp://127.0.0.1:${a.port},stomp://127.0.0.1:${b.port})?randomize=false` });
    try {
      client.on("interrupted", (url) => events.push(`interrupted ${url}`));
      client.on("resumed", (url) => events.push(`resumed ${url}`));
      assert.equal(client.connectedUrl, `stomp://127.0.0.1:${a.port}`);
      const got: StompMessage[] = [];
      await client.subscribe("/queue/fo.kill", (m) => {
        got.push(m);
        void m.ack();
      }, { ack: "client-individual" });
      for (let i = 0; i < 5; i++) await client.send("/queue/fo.kill", `a${i}`);
      await waitUntil(() => got.length === 5, "5 messages from A");
      await a.kill9();
      // Sent while failing over: waits for the next broker, then resolves on its receipt.
      const during = client.send("/queue/fo.kill", "b0");
      await during;
      for (let i = 1; i < 5; i++) await client.send("/queue/fo.kill", `b${i}`);
      await waitUntil(() => got.length === 10, "5 more messages through the re-made subscription on B");
      assert.deepEqual(got.slice(5).map((m) => m.body.toString()), ["b0", "b1", "b2", "b3", "b4"]);
      assert.deepEqual(events, [`interrupted stomp://127.0.0.1:${a.port}`, `resumed stomp://127.0.0.1:${b.port}`]);
      assert.equal(client.connectedUrl, `stomp://127.0.0.1:${b.port}`);
      assert.equal(client.stats.reconnects, 1);
      assert.equal(await got[0]!.ack(), false, "an ack for a message from the dead connection is dropped");
      assert.equal(client.stats.staleAcks, 1);
    } finally {
      await client.disconnect();
      await a.cleanup();
    }
  });

  test("a SEND whose receipt was lost with the connection is re-sent on the next broker", async () => {
    const peer = await receiptSwallower();
    const client = await FailoverClient.connect({ uri: `failover:(stomp://127.0.0.1:${peer.port},stomp://127.0.0.1:${b.port})?randomize=false` });
    try {
      assert.equal(client.connectedUrl, `stomp://127.0.0.1:${peer.port}`);
      await client.send("/queue/fo.resend", "precious", { headers: { k: "v" } });
      assert.equal(peer.sends.length, 1, "the first broker got the SEND and never answered it");
      assert.equal(client.connectedUrl, `stomp://127.0.0.1:${b.port}`);
      assert.equal(client.stats.resentSends, 1);
      const got: StompMessage[] = [];
      await client.subscribe("/queue/fo.resend", (m) => got.push(m));
      await waitUntil(() => got.length === 1, "the re-sent message");
      assert.equal(got[0]!.body.toString(), "precious");
      assert.equal(got[0]!.header("k"), "v");
    } finally {
      await client.disconnect();
      await peer.close();
    }
  });

  test("timeout: a send blocked by an outage fails after `timeout` ms", async () => {
    const peer = await receiptSwallower();
    const [dead] = await freePorts(1);
    const client = await FailoverClient.connect({
      uri: `failover:(stomp://127.0.0.1:${peer.port},stomp://127.0.0.1:${dead})?randomize=false&timeout=300&maxReconnectDelay=50`,
    });
    try {
      await peer.close(); // nothing accepts connections any more
      const started = Date.now();
      await assert.rejects(client.send("/queue/fo.t", "x"), /timed out after 300 ms/);
      assert.ok(Date.now() - started >= 250);
      assert.equal(client.pendingSends, 0);
    } finally {
      await client.disconnect();
    }
  });

  test("startupMaxReconnectAttempts: connect gives up after that many rounds", async () => {
    const [p1, p2] = await freePorts(2);
    const started = Date.now();
    await assert.rejects(
      FailoverClient.connect({ uri: `failover:(stomp://127.0.0.1:${p1},stomp://127.0.0.1:${p2})?startupMaxReconnectAttempts=3&initialReconnectDelay=20` }),
      /gave up after 3 round\(s\)/,
    );
    // Two sleeps between three rounds: 20 + 40 ms.
    assert.ok(Date.now() - started >= 55);
  });

  test("maxReconnectAttempts=0: no reconnect after a drop, pending sends fail", async () => {
    const a = await startBroker({ sync: "local_mem" });
    const client = await FailoverClient.connect({ uri: `failover:(stomp://127.0.0.1:${a.port},stomp://127.0.0.1:${b.port})?randomize=false&maxReconnectAttempts=0` });
    try {
      const failed = new Promise<Error>((r) => client.once("failed", r));
      await a.kill9();
      assert.match((await failed).message, /maxReconnectAttempts=0/);
      await assert.rejects(client.send("/queue/x", "y"), /maxReconnectAttempts=0/);
    } finally {
      await client.disconnect();
      await a.cleanup();
    }
  });

  test("a transaction open across a failover is reported rolled back", async () => {
    const a = await startBroker({ sync: "local_mem" });
    const client = await FailoverClient.connect({ uri: `failover:(stomp://127.0.0.1:${a.port},stomp://127.0.0.1:${b.port})?randomize=false` });
    try {
      const tx = await client.begin();
      await tx.send("/queue/fo.tx", "in doubt");
      const resumed = new Promise<void>((r) => client.once("resumed", () => r()));
      await a.kill9();
      await resumed;
      await assert.rejects(tx.commit(), TransactionRolledBackError);
      await assert.rejects(tx.send("/queue/fo.tx", "late"), TransactionRolledBackError);
      const tx2 = await client.begin();
      await tx2.send("/queue/fo.tx", "committed");
      await tx2.commit();
      const got: string[] = [];
      await client.subscribe("/queue/fo.tx", (m) => got.push(m.body.toString()));
      await waitUntil(() => got.length === 1, "the committed message");
      assert.deepEqual(got, ["committed"]);
    } finally {
      await client.disconnect();
      await a.cleanup();
    }
  });

  test("priorityBackup: connected to the backup while the priority broker is down, it moves back once it is up, without repeating a send", async () => {
    const [prioPort] = await freePorts(1);
    const client = await FailoverClient.connect({
      uri: `failover:(stomp://127.0.0.1:${prioPort},stomp://127.0.0.1:${b.port})?priorityBackup=true&randomize=false&initialReconnectDelay=20&maxReconnectDelay=200`,
    });
    let prio: BrokerProcess | undefined;
    try {
      assert.equal(client.connectedUrl, `stomp://127.0.0.1:${b.port}`, "the priority broker is down: the backup serves");
      const got: string[] = [];
      await client.subscribe("/queue/fo.prio", (m) => got.push(m.body.toString()));
      await client.send("/queue/fo.prio", "on-backup");
      await waitUntil(() => got.includes("on-backup"), "the message through the backup");

      prio = await startBroker({ sync: "local_mem", port: prioPort });
      await waitUntil(() => client.connectedUrl === `stomp://127.0.0.1:${prioPort}`, "the move back to the priority broker");
      // Sends keep flowing during and after the move; the subscription moved with it.
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.send("/queue/fo.prio", `on-priority-${i}`)));
      await waitUntil(() => got.filter((b) => b.startsWith("on-priority-")).length === 20, "the messages through the priority broker");
      assert.equal(client.stats.resentSends, 0, "the backup's receipts all came before the move: nothing sent twice");
      assert.equal(got.length, 21);
    } finally {
      await client.disconnect();
      await prio?.stop();
      await prio?.cleanup();
    }
  });

  test("without priorityBackup the client stays on the broker it has", async () => {
    const [firstPort] = await freePorts(1);
    const client = await FailoverClient.connect({ uri: `failover:(stomp://127.0.0.1:${firstPort},stomp://127.0.0.1:${b.port})?randomize=false&initialReconnectDelay=20&maxReconnectDelay=200` });
    const first = await startBroker({ sync: "local_mem", port: firstPort });
    try {
      await client.send("/queue/fo.noprio", "x");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(client.connectedUrl, `stomp://127.0.0.1:${b.port}`);
    } finally {
      await client.disconnect();
      await first.stop();
      await first.cleanup();
    }
  });
});
