// Four-letter words tell the truth: mntr's ZooKeeper 3.8 keys carry measured values (and only
// those), dirs counts the bytes on disk, crst and srst reset what they say they reset.
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fourLetterWord, python, startCoordinator, tempDir, type CoordinatorProcess } from "./coordinatorHarness";

function mntr(text: string): Map<string, string> {
  return new Map(text.trim().split("\n").map((l) => l.split("\t") as [string, string]));
}

async function du(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? await du(p) : (await stat(p)).size;
  }
  return n;
}

describe("coordinator four-letter words", () => {
  let coord: CoordinatorProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    dir = await tempDir();
    coord = await startCoordinator(dir.path);
  });
  after(async () => {
    await coord?.stop();
    await dir?.remove();
  });

  /** A kazoo client that writes, fails one auth, and stays connected until stdin closes. */
  async function activity(): Promise<void> {
    const r = await python(`
import sys
from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError
zk = KazooClient(hosts="127.0.0.1:" + sys.argv[1]); zk.start(timeout=10)
for i in range(20): zk.create("/m/n", b"x" * 100, sequence=True, makepath=True)
zk.stop()
bad = KazooClient(hosts="127.0.0.1:" + sys.argv[1]); bad.start(timeout=10)
try:
    bad.add_auth("nosuchscheme", "x")
except AuthFailedError:
    print("authfailed")
except Exception as e:
    print(type(e).__name__)
bad.stop()
`, [String(coord.port)], 45000);
    assert.equal(r.code, 0, r.stderr);
  }

  test("mntr: ZooKeeper 3.8 key names with measured values; nothing invented", async () => {
    const before = mntr(await fourLetterWord(coord.port, "mntr"));
    await activity();
    const m = mntr(await fourLetterWord(coord.port, "mntr"));
    assert.ok(Number(m.get("zk_uptime")) > 0 && Number(m.get("zk_uptime")) >= Number(before.get("zk_uptime")));
    assert.equal(Number(m.get("zk_auth_failed_count")), Number(before.get("zk_auth_failed_count")) + 1);
    assert.ok(Number(m.get("zk_cnt_fsynctime")) >= 20, "every create was fsynced (batched at most per txn)");
    assert.ok(Number(m.get("zk_max_fsynctime")) >= Number(m.get("zk_min_fsynctime")));
    assert.ok(Number(m.get("zk_packets_received")) > Number(before.get("zk_packets_received")) + 20);
    assert.ok(Number(m.get("zk_bytes_received_count")) > 20 * 100);
    assert.ok(Number(m.get("zk_connection_request_count")) >= 2);
    assert.equal(m.get("zk_server_state"), "standalone");
    // Descriptors: the process's own, as /proc says (not the number of connections).
    const limits = await readFile(`/proc/${coord.child.pid}/limits`, "utf8");
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    assert.equal(m.get("zk_max_file_descriptor_count"), soft);
    const fds = (await readdir(`/proc/${coord.child.pid}/fd`)).length;
    assert.ok(Math.abs(Number(m.get("zk_open_file_descriptor_count")) - fds) <= 3, `open fds ${m.get("zk_open_file_descriptor_count")} vs /proc ${fds}`);
    assert.ok(!m.has("zk_last_zxid"), "not a ZooKeeper 3.8 key");
    for (const k of m.keys()) assert.match(k, /^zk_[a-z_]+$/);
  });

  test("dirs counts the bytes in the data directory", async () => {
    await activity();
    const out = await fourLetterWord(coord.port, "dirs");
    const m = /^datadir_size: (\d+)\nlogdir_size: (\d+)\n$/.exec(out);
    assert.ok(m, out);
    const actual = await du(dir.path);
    assert.ok(Number(m[1]) > 0);
    // The log may grow between the two readings only if something writes; nothing does here.
    assert.equal(Number(m[1]), actual);
    assert.equal(Number(m[2]), actual);
  });

  test("srst resets the server's counters and latency; crst resets each connection's", async () => {
    await activity();
    assert.doesNotMatch(await fourLetterWord(coord.port, "srvr"), /Received: 0\n/);
    assert.equal(await fourLetterWord(coord.port, "srst"), "Server stats reset.\n");
    const srvr = await fourLetterWord(coord.port, "srvr");
    assert.match(srvr, /Latency min\/avg\/max: 0\/0\.0\/0\nReceived: 0\nSent: 0\n/);
    assert.match(await fourLetterWord(coord.port, "mntr"), /zk_cnt_fsynctime\t0\n/);
    // A connected client with traffic behind it: crst zeroes its counters in cons.
    const { spawn } = await import("node:child_process");
    const { PYTHON } = await import("./coordinatorHarness");
    const holder = spawn(PYTHON, ["-c", `
import sys, time
from kazoo.client import KazooClient
zk = KazooClient(hosts="127.0.0.1:" + sys.argv[1], timeout=30); zk.start(timeout=10)
for i in range(30): zk.exists("/m")
print("ready", flush=True)
sys.stdin.read()
zk.stop()
`, String(coord.port)], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        holder.once("exit", (c) => reject(new Error(`holder exited ${c}`)));
      });
      const recved = (t: string): number => Number(/recved=(\d+)/.exec(t)?.[1]);
      const cons = await fourLetterWord(coord.port, "cons");
      assert.ok(recved(cons) >= 31, cons);
      assert.equal(await fourLetterWord(coord.port, "crst"), "Connection stats reset.\n");
      const after = await fourLetterWord(coord.port, "cons");
      // At most a ping (every 10 s with this timeout) may have arrived since.
      assert.ok(recved(after) <= 1, after);
      assert.match(after, /lop=(NA|PING)/);
    } finally {
      holder.stdin!.end();
      holder.kill("SIGKILL");
    }
  });
});
