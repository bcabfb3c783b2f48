// TLS listeners: stomp+ssl:// and wss:// when the node has an sslContext (a self-signed key and
// certificate made with openssl for the test); plain clients cannot talk to them.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { after, test } from "node:test";
import { Client } from "@stomp/stompjs";
import WebSocket from "ws";
import { stringify } from "yaml";
import { brokerNodeArgs } from "../server/runtime/brokerNodeArgs";
import { encodeFrame } from "../server/runtime/stomp/encodeFrame";
import { StompParser } from "../server/runtime/stomp/StompParser";
import { freePorts, waitFor } from "./support/clusterProcess";

let child: ChildProcess | undefined;
let dir = "";
after(async () => {
  child?.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("stomp+ssl and wss listeners serve STOMP over TLS", async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
  const [sslPort, wssPort, adminPort] = await freePorts(3);
  const file = join(dir, "cluster.yaml");
  await writeFile(
    file,
    stringify({
      brokerName: "tls",
      dataDirectory: join(dir, "data"),
      groups: [
        {
          name: "g",
          sync: "local_disk",
          nodes: [
            {
              name: "mq1",
              sslContext: { keyFile: key, certFile: cert },
              admin: { port: adminPort },
              transportConnectors: [
                { name: "ssl", uri: `stomp+ssl://127.0.0.1:${sslPort}` },
                { name: "wss", uri: `wss://127.0.0.1:${wssPort}` },
              ],
            },
          ],
        },
      ],
    }),
  );
  child = spawn(process.execPath, brokerNodeArgs(file, "mq1"), { cwd: resolve(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "inherit"] });
  const logs: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => logs.push(l));
  await waitFor(() => logs.filter((l) => /"service":"(broker\/)?stomp"/.test(l) && l.includes('"tls":true')).length >= 1 && logs.some((l) => l.includes(`"port":${wssPort}`)), 60_000, () => logs.join("\n"));

  // STOMP over TLS with a raw client: CONNECT, SEND with receipt.
  const ca = await readFile(cert);
  const frames = await new Promise<string[]>((resolveFrames, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port: sslPort, ca, servername: "127.0.0.1", checkServerIdentity: () => undefined });
    const parser = new StompParser({ maxFrameSize: 1 << 20, maxHeaders: 100, maxHeaderLineLength: 8192 });
    const got: string[] = [];
    socket.on("secureConnect", () => {
      socket.write(encodeFrame("CONNECT", [["accept-version", "1.2"], ["host", "x"]], undefined, "1.2"));
      socket.write(encodeFrame("SEND", [["destination", "/queue/tls"], ["receipt", "r1"]], Buffer.from("over tls"), "1.2"));
    });
    socket.on("data", (d: Buffer) => {
      for (const ev of parser.push(d)) if (ev.kind === "frame") got.push(ev.frame.command);
      if (got.includes("RECEIPT")) {
        socket.end();
        resolveFrames(got);
      }
    });
    socket.on("error", reject);
  });
  assert.deepEqual(frames, ["CONNECTED", "RECEIPT"]);

  // The same message through STOMP over secure WebSocket with stompjs.
  const body = await new Promise<string>((resolveBody, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(`wss://127.0.0.1:${wssPort}`, ["v12.stomp"], { ca, checkServerIdentity: (() => undefined) as unknown as () => boolean }) as unknown as globalThis.WebSocket,
      reconnectDelay: 0,
      onConnect: () => {
        client.subscribe("/queue/tls", (m) => {
          resolveBody(m.body);
          void client.deactivate();
        });
      },
      onStompError: (f) => reject(new Error(f.headers.message)),
      onWebSocketError: () => reject(new Error("wss connection failed")),
    });
    client.activate();
  });
  assert.equal(body, "over tls");

  // A plain-TCP client gets no STOMP from a TLS port.
  const plain = await new Promise<string>((resolvePlain) => {
    const s = netConnect({ host: "127.0.0.1", port: sslPort }, () => s.write("CONNECT\naccept-version:1.2\n\n\u0000"));
    let out = "";
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    s.on("close", () => resolvePlain(out));
    s.on("error", () => resolvePlain(out));
    setTimeout(() => s.destroy(), 2000);
  });
  assert.ok(!plain.includes("CONNECTED"));
});
