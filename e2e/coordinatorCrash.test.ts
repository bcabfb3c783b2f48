// kill -9 of the coordinator in the middle of a write stream: every acknowledged write must
// survive the restart, and new zxids must be greater than any seen before (pitfall Z1).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { PYTHON, python, startCoordinator, tempDir } from "./coordinatorHarness";

const WRITER = `
import sys, threading
from kazoo.client import KazooClient
from kazoo.retry import KazooRetry
zk = KazooClient(hosts="127.0.0.1:" + sys.argv[1], timeout=10, connection_retry=KazooRetry(max_tries=0))
zk.start(timeout=10)
zk.ensure_path("/crash")
lock = threading.Lock()
def done(path, ar):
    try:
        p, stat = ar.get()
    except Exception:
        return
    with lock:
        print("ack %s %d" % (p, stat.czxid), flush=True)
i = 0
while True:
    # Pipelined: 50 creates in flight, so acknowledgements come from shared fsyncs.
    results = []
    for _ in range(50):
        path = "/crash/n%06d" % i
        i += 1
        ar = zk.create_async(path, b"payload-%d" % i, include_data=True)
        ar.rawlink(lambda a, path=path: done(path, a))
        results.append(ar)
    for ar in results:
        ar.wait(5)
`;

test("acknowledged creates survive kill -9; zxids keep growing", async () => {
  const dir = await tempDir();
  try {
    // Small snapshotEvery: snapshots, log rolls and purges happen during the stream too.
    let coord = await startCoordinator(dir.path, ["--snapshot-every", "300"]);
    const acked: { path: string; zxid: number }[] = [];
    const writer = spawn(PYTHON, ["-c", WRITER, String(coord.port)], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      await new Promise<void>((resolve, reject) => {
        const rl = createInterface({ input: writer.stdout! });
        rl.on("line", (line) => {
          const m = /^ack (\S+) (\d+)$/.exec(line);
          if (!m) return;
          acked.push({ path: m[1], zxid: Number(m[2]) });
          if (acked.length === 1500) resolve();
        });
        writer.once("exit", (code) => reject(new Error(`writer exited early (${code})`)));
        setTimeout(() => reject(new Error(`only ${acked.length} acks in 40s`)), 40000).unref();
      });
      await coord.kill9(); // mid-stream: more creates are in flight
      await new Promise((r) => setTimeout(r, 200)); // let acks already on the wire be read
    } finally {
      writer.kill("SIGKILL");
    }
    const maxSeen = Math.max(...acked.map((a) => a.zxid));
    assert.ok(acked.length >= 1500);

    coord = await startCoordinator(dir.path);
    try {
      const list = join(dir.path, "acked.txt");
      await writeFile(list, acked.map((a) => a.path).join("\n"));
      const r = await python(
        `
import sys, json
from kazoo.client import KazooClient
zk = KazooClient(hosts="127.0.0.1:" + sys.argv[1]); zk.start(timeout=10)
paths = open(sys.argv[2]).read().split()
missing = [p for p in paths if zk.exists(p) is None]
p, stat = zk.create("/after-restart", b"x", include_data=True)
print(json.dumps({"missing": missing[:10], "nMissing": len(missing), "children": len(zk.get_children("/crash")), "newZxid": stat.czxid}))
zk.stop()
`,
        [String(coord.port), list],
        40000,
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { missing: string[]; nMissing: number; children: number; newZxid: number };
      assert.equal(out.nMissing, 0, `acknowledged but lost: ${out.missing.join(", ")}`);
      assert.ok(out.children >= acked.length);
      assert.ok(out.newZxid > maxSeen, `new zxid 0x${out.newZxid.toString(16)} must exceed 0x${maxSeen.toString(16)}`);
      assert.ok(Math.floor(out.newZxid / 2 ** 32) > Math.floor(maxSeen / 2 ** 32), "restart starts a new epoch");
      // A clean stop and another restart keep everything as well.
      assert.equal(await coord.stop(), 0);
      coord = await startCoordinator(dir.path);
      const r2 = await python(
        `
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts="127.0.0.1:" + sys.argv[1]); zk.start(timeout=10)
print(len(zk.get_children("/crash")), zk.exists("/after-restart") is not None)
zk.stop()
`,
        [String(coord.port)],
      );
      assert.equal(r2.stdout.trim(), `${out.children} True`);
    } finally {
      await coord.stop();
    }
  } finally {
    await dir.remove();
  }
});
