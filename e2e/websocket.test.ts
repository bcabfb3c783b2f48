// STOMP over WebSocket with a stock client: @stomp/stompjs in Node (its WebSocket comes from the
// `ws` package, since Node 20 has no global one), against a real broker process.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client, type IMessage } from "@stomp/stompjs";
import WebSocket from "ws";
import { hashPassword } from "../server/runtime/security/passwordHash";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp } from "./support/stompClient";

const WAIT_MS = 10_000;

/** A connected stompjs client, or the broker's ERROR message when it refuses. */
function stompjs(port: number, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${port}/stomp`;
    const client = new Client({
      brokerURL: url,
      webSocketFactory: () => new WebSocket(url, ["v12.stomp", "v11.stomp", "v10.stomp"]),
      connectHeaders: headers,
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    const t = setTimeout(() => reject(new Error("stompjs did not connect")), WAIT_MS);
    client.onConnect = () => {
      clearTimeout(t);
      resolve(client);
    };
    client.onStompError = (f) => {
      clearTimeout(t);
      void client.deactivate();
      reject(new Error(f.headers.message ?? "STOMP ERROR"));
    };
    client.onWebSocketError = () => {
      clearTimeout(t);
      void client.deactivate();
      reject(new Error("websocket error"));
    };
    client.activate();
  });
}

/** Collects `n` messages of a subscription, acking (or not) each as it arrives. */
function collect(client: Client, destination: string, n: number, ack: "auto" | "client-individual", onMessage?: (m: IMessage) => void, headers: Record<string, string> = {}): Promise<IMessage[]> {
  return new Promise((resolve, reject) => {
    const got: IMessage[] = [];
    const t = setTimeout(() => reject(new Error(`got ${got.length}/${n} messages`)), WAIT_MS);
    client.subscribe(destination, (m) => {
      got.push(m);
      onMessage?.(m);
      if (got.length === n) {
        clearTimeout(t);
        resolve(got);
      }
    }, { ...headers, ack });
  });
}

/** Resolves when the broker's RECEIPT `id` arrives (register before sending the frame that asks for it). */
function receipt(client: Client, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no RECEIPT ${id}`)), WAIT_MS);
    client.watchForReceipt(id, () => {
      clearTimeout(t);
      resolve();
    });
  });
}

describe("STOMP over WebSocket (stompjs)", () => {
  let b: BrokerProcess;
  before(async () => {
    b = await startBroker({ websocket: { maximumConnections: 3, "wireFormat.maxFrameSize": 8192 } });
  });
  after(async () => {
    await b?.stop();
    await b?.cleanup();
  });

  test("negotiates a STOMP sub-protocol", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${b.wsPort}/`, ["v10.stomp", "v12.stomp"]);
    await new Promise((r, j) => { ws.once("open", r); ws.once("error", j); });
    assert.equal(ws.protocol, "v12.stomp");
    ws.close();
  });

  test("send, subscribe and client-individual ack; unacked messages come back", async () => {
    const producer = await stompjs(b.wsPort!);
    for (let i = 0; i < 5; i++) producer.publish({ destination: "/queue/ws.a", body: `m${i}`, headers: { persistent: "true", "x-n": String(i) } });
    const consumer = await stompjs(b.wsPort!);
    // Ack only the even ones, then drop the connection: the odd ones must be redelivered.
    const first = await collect(consumer, "/queue/ws.a", 5, "client-individual", (m) => {
      if (Number(m.headers["x-n"]) % 2 === 0) m.ack();
    });
    assert.deepEqual(first.map((m) => m.body), ["m0", "m1", "m2", "m3", "m4"]);
    await consumer.deactivate();
    const again = await stompjs(b.wsPort!);
    const redelivered = await collect(again, "/queue/ws.a", 2, "client-individual", (m) => m.ack());
    assert.deepEqual(redelivered.map((m) => m.body).sort(), ["m1", "m3"]);
    assert.equal(redelivered[0].headers.redelivered, "true");
    await again.deactivate();
    await producer.deactivate();
  });

  test("WebSocket and TCP clients share destinations, binary bodies included", async () => {
    const wsClient = await stompjs(b.wsPort!);
    // A topic keeps nothing for later subscribers: publish only once the SUBSCRIBE is in effect
    // (its RECEIPT), not after a pause that a loaded machine can outlast.
    const subscribed = receipt(wsClient, "sub-mixed");
    const got = collect(wsClient, "/topic/ws.mixed", 2, "auto", undefined, { receipt: "sub-mixed" });
    got.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
    await subscribed;
    const tcp = await connectStomp(b.port);
    await tcp.request("SEND", [["destination", "/topic/ws.mixed"]], "from tcp");
    await tcp.request("SEND", [["destination", "/topic/ws.mixed"], ["content-type", "application/octet-stream"]], Buffer.from([0, 255, 1, 254]));
    const [text, bin] = await got;
    assert.equal(text.body, "from tcp");
    assert.deepEqual([...bin.binaryBody], [0, 255, 1, 254]);
    await tcp.disconnect();
    await wsClient.deactivate();
  });

  test("maxFrameSize applies: an oversized frame gets ERROR, the node keeps serving", async () => {
    const c = await stompjs(b.wsPort!);
    const err = new Promise<string>((r) => (c.onStompError = (f) => r(f.headers.message ?? "")));
    c.publish({ destination: "/queue/ws.big", body: "x".repeat(20_000) });
    assert.match(await err, /frame|size|large/i);
    await c.deactivate();
    const ok = await stompjs(b.wsPort!);
    await ok.deactivate();
  });

  test("maximumConnections applies to the WebSocket listener", async () => {
    const open = [await stompjs(b.wsPort!), await stompjs(b.wsPort!), await stompjs(b.wsPort!)];
    await assert.rejects(stompjs(b.wsPort!), /Too many connections/);
    await open[0].deactivate();
    // A freed slot is usable again (the count follows closes, which the broker sees a moment later).
    let fourth: Client | null = null;
    const until = Date.now() + 15_000;
    while (!fourth && Date.now() < until) {
      fourth = await stompjs(b.wsPort!).catch(() => null);
      if (!fourth) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(fourth, "a slot freed by a close is reused");
    for (const c of [...open.slice(1), fourth]) await c.deactivate();
  });
});

describe("STOMP over WebSocket with security", () => {
  test("login over WebSocket: right credentials connect, wrong ones get the ERROR reason", async () => {
    const b = await startBroker({
      websocket: {},
      cluster: {
        users: [{ username: "web", passwordHash: await hashPassword("web-pw", { N: 1024, r: 8, p: 1 }), groups: ["web"] }],
        authorizationEntries: [{ destination: "/queue/web.>", read: ["web"], write: ["web"], admin: ["web"] }],
      },
    });
    try {
      await assert.rejects(stompjs(b.wsPort!, { login: "web", passcode: "nope" }), /Authentication failed/);
      const c = await stompjs(b.wsPort!, { login: "web", passcode: "web-pw" });
      const got = collect(c, "/queue/web.inbox", 1, "auto");
      c.publish({ destination: "/queue/web.inbox", body: "hi" });
      assert.equal((await got)[0].body, "hi");
      await c.deactivate();
    } finally {
      await b.stop();
      await b.cleanup();
    }
  });
});
