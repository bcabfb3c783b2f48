// A stock client across failover: stomp.py (Debian python3-stomp, the seeds' client) is given
// every node's address, as the seeds configure it. Slaves refuse connections, so its connect loop
// lands on the master; after kill -9 of the master it reconnects (the application's
// on_disconnected → connect() pattern from the stomp.py docs) and finds the new master. The python
// side only reports JSON lines; every judgement is made here.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { FailoverClient } from "../server/runtime/client/FailoverClient";
import { ClusterProcess, waitFor } from "./support/clusterProcess";

const PYTHON = "/usr/bin/python3"; // the PATH python3 may lack Debian's python3-stomp

// Sends py-0, py-1, … persistent (STOMP messages are not persistent by default, as in ActiveMQ,
// and only persistent ones are journaled and replicated) with a receipt each; a message counts only once its RECEIPT came back, and
// one whose receipt did not come (connection lost) is sent again after reconnecting.
const SCRIPT = String.raw`
import json, sys, threading, time, stomp
ports = [int(p) for p in sys.argv[1].split(",")]
queue, total = sys.argv[2], int(sys.argv[3])
receipts = {}
lock = threading.Condition()
class L(stomp.ConnectionListener):
    def on_receipt(self, frame):
        with lock:
            receipts[frame.headers["receipt-id"]] = True
            lock.notify_all()
    def on_disconnected(self):
        with lock:
            lock.notify_all()
conn = stomp.Connection([("127.0.0.1", p) for p in ports], reconnect_attempts_max=200,
                        reconnect_sleep_initial=0.05, reconnect_sleep_increase=0.5, reconnect_sleep_max=0.5)
conn.set_listener("l", L())
def connect():
    while True:
        try:
            conn.connect(wait=True)
            print(json.dumps({"connected": conn.transport.current_host_and_port[1]}), flush=True)
            return
        except Exception as e:
            print(json.dumps({"connect_error": str(e)}), flush=True)
            time.sleep(0.2)
connect()
i = 0
while i < total:
    if not conn.is_connected():
        connect()
    rid = "r-%d" % i
    try:
        conn.send(queue, "py-%d" % i, receipt=rid, headers={"persistent": "true"})
    except Exception as e:
        print(json.dumps({"send_error": str(e)}), flush=True)
        continue
    deadline = time.time() + 5
    with lock:
        while rid not in receipts and conn.is_connected() and time.time() < deadline:
            lock.wait(0.1)
        ok = rid in receipts
    if ok:
        print(json.dumps({"receipted": i, "port": conn.transport.current_host_and_port[1]}), flush=True)
        i += 1
        time.sleep(0.01)
conn.disconnect()
print(json.dumps({"done": i}), flush=True)
`;

interface PyLine {
  connected?: number;
  receipted?: number;
  port?: number;
  done?: number;
  connect_error?: string;
  send_error?: string;
}

let cluster: ClusterProcess;
let py: ChildProcess | undefined;

before(async () => {
  cluster = await ClusterProcess.start({ nodes: 3 });
  await cluster.waitForMaster();
});

after(async () => {
  if (py && py.exitCode === null) py.kill("SIGKILL");
  await cluster?.stop();
});

test("stomp.py with every node's address reconnects to the new master after kill -9 and keeps sending", { timeout: 60_000 }, async () => {
  const TOTAL = 300;
  const master = await cluster.waitForMaster();
  const lines: PyLine[] = [];
  let stderr = "";
  py = spawn(PYTHON, ["-c", SCRIPT, cluster.nodes.map((n) => n.stompPort).join(","), "/queue/ha.stomppy", String(TOTAL)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  py.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => py!.once("exit", (code) => r(code)));
  createInterface({ input: py.stdout! }).on("line", (l) => lines.push(JSON.parse(l) as PyLine));
  const receipted = (): PyLine[] => lines.filter((l) => l.receipted !== undefined);

  await waitFor(() => receipted().length >= 50, 20_000, () => `stomp.py made no progress: ${stderr}`);
  assert.ok(receipted().every((l) => l.port === master.stompPort), "before the kill every receipt comes from the master");
  await cluster.kill9(master.name);
  const next = await cluster.waitForMaster(30_000, master.name);
  const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 40_000))]);
  assert.equal(code, 0, `stomp.py did not finish: ${code}\n${stderr}\n${JSON.stringify(lines.slice(-5))}`);

  const ports = receipted().map((l) => l.port);
  assert.equal(receipted().length, TOTAL);
  assert.ok(ports.includes(next.stompPort), `stomp.py kept sending through the new master ${next.name}`);
  assert.equal(ports[ports.length - 1], next.stompPort);
  assert.ok(lines.filter((l) => l.connected !== undefined).length >= 2, "it reconnected");

  // Every receipted message is on the new master (at least once).
  const consumer = await FailoverClient.connect({ uri: `failover:(${cluster.stompAddresses().join(",")})` });
  try {
    const seen = new Set<string>();
    await consumer.subscribe("/queue/ha.stomppy", (m) => seen.add(m.body.toString()));
    await waitFor(() => seen.size >= TOTAL, 15_000, () => `consumed ${seen.size}/${TOTAL}`);
    for (let i = 0; i < TOTAL; i++) assert.ok(seen.has(`py-${i}`), `py-${i} was receipted but is missing`);
  } finally {
    await consumer.disconnect();
  }
});
