// kazoo (python3-kazoo) recipes and sessions against `tandem coordinator`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { python, startCoordinator, tempDir, type CoordinatorProcess } from "./coordinatorHarness";

const PRELUDE = `
import sys, os, time, threading, json
from kazoo.client import KazooClient
from kazoo.exceptions import *
port = sys.argv[1]
def client(**kw):
    zk = KazooClient(hosts="127.0.0.1:" + port, **kw)
    zk.start(timeout=10)
    return zk
def wait_for(pred, what, limit=15.0):
    end = time.time() + limit
    while time.time() < end:
        if pred(): return
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)
`;

describe("coordinator with kazoo", () => {
  let coord: CoordinatorProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    dir = await tempDir();
    // tickTime 500: sessions may be 1..10 s, so expiry tests stay short.
    coord = await startCoordinator(dir.path, ["--tick-time", "500"]);
  });
  after(async () => {
    await coord?.stop();
    await dir?.remove();
  });

  async function py(body: string): Promise<Record<string, unknown>> {
    const r = await python(PRELUDE + body, [String(coord.port)], 45000);
    assert.equal(r.code, 0, `python failed: ${r.stderr}\n${r.stdout}`);
    const last = r.stdout.trim().split("\n").pop() ?? "";
    return JSON.parse(last) as Record<string, unknown>;
  }

  test("server_version via envi, Lock and Election with two clients", async () => {
    const out = await py(`
a = client(); b = client()
order = []
la = a.Lock("/locks/l", "a"); lb = b.Lock("/locks/l", "b")
la.acquire()
t = threading.Thread(target=lambda: (lb.acquire(), order.append("b"), lb.release()))
t.start()
# b is queued behind a once its lock node exists (a fixed pause is not enough on a loaded machine).
wait_for(lambda: len(la.contenders()) == 2, "b waiting for the lock")
order.append("a")
contenders = la.contenders()
la.release()
t.join(10)
ea = a.Election("/elect", "a"); eb = b.Election("/elect", "b")
leaders = []
ta = threading.Thread(target=lambda: ea.run(lambda: (leaders.append("a"), time.sleep(0.5))))
ta.start()
# a runs for the leadership first: wait until it leads (a fixed pause could let b's node come first).
wait_for(lambda: leaders == ["a"], "a leading")
tb = threading.Thread(target=lambda: eb.run(lambda: leaders.append("b")))
tb.start()
ta.join(10); tb.join(10)
print(json.dumps({"version": list(a.server_version()), "order": order, "contenders": contenders, "leaders": leaders}))
a.stop(); b.stop()
`);
    assert.deepEqual(out.version, [3, 8, 0]);
    assert.deepEqual(out.order, ["a", "b"], "b got the lock only after a released it");
    assert.deepEqual(out.contenders, ["a", "b"]);
    assert.deepEqual(out.leaders, ["a", "b"]);
  });

  test("ChildrenWatch and DataWatch see every change", async () => {
    const out = await py(`
a = client(); b = client()
a.ensure_path("/w")
kids = []; datas = []
a.ChildrenWatch("/w")(lambda c: kids.append(sorted(c)))
a.DataWatch("/w/d")(lambda d, s: datas.append(None if d is None else d.decode()))
b.create("/w/d", b"one")
wait_for(lambda: ["d"] in kids and "one" in datas, "create seen")
b.set("/w/d", b"two")
wait_for(lambda: "two" in datas, "set seen")
b.create("/w/e")
wait_for(lambda: ["d", "e"] in kids, "second child")
b.delete("/w/d")
wait_for(lambda: datas[-1] is None and kids[-1] == ["e"], "delete seen")
print(json.dumps({"kids": kids, "datas": datas}))
a.stop(); b.stop()
`);
    assert.deepEqual(out.kids, [[], ["d"], ["d", "e"], ["e"]]);
    assert.deepEqual(out.datas, [null, "one", "two", null]);
  });

  test("transaction(): commits atomically, or fails with per-op errors and changes nothing", async () => {
    const out = await py(`
a = client()
a.create("/tx", b"0")
t = a.transaction(); t.create("/tx/a", b"x"); t.set_data("/tx", b"1", version=0); t.check("/tx", 1); t.delete("/tx/a")
ok = t.commit()
t = a.transaction(); t.create("/tx/b"); t.check("/tx", 99); t.create("/tx/c")
bad = t.commit()
data, stat = a.get("/tx")
print(json.dumps({"ok": [type(r).__name__ if not isinstance(r, (str, bool)) else r for r in ok],
  "bad": [type(r).__name__ for r in bad], "b": a.exists("/tx/b") is not None, "data": data.decode(), "version": stat.version, "cversion": stat.cversion}))
a.stop()
`);
    assert.deepEqual(out.ok, ["/tx/a", "ZnodeStat", true, true]);
    assert.deepEqual(out.bad, ["RolledBackError", "BadVersionError", "RuntimeInconsistency"]);
    assert.equal(out.b, false);
    assert.equal(out.data, "1");
    assert.equal(out.version, 1);
    assert.equal(out.cversion, 2);
  });

  test("a dropped socket keeps the session; a client that stops pinging loses its ephemeral at expiry", async () => {
    // 1. Create an ephemeral, then die without closing the session (as kill -9 would). The longest
    //    session the server grants (20 ticks): step 2 is a new python process that must reattach
    //    before it expires, and starting one (kazoo imported) can take seconds on a loaded machine.
    const first = await py(`
a = client(timeout=10)
a.create("/eph/holder", b"h", ephemeral=True, makepath=True)
sid, pwd = a.client_id
print(json.dumps({"sid": str(sid), "pwd": pwd.hex()}), flush=True)  # str: 64-bit ids do not fit a JS number
os._exit(0)
`);
    // 2. Reattach with id + password: same session, ephemeral still there. Then die again.
    const second = await py(`
a = client(client_id=(${String(first.sid)}, bytes.fromhex("${String(first.pwd)}")), timeout=10)
data, stat = a.get("/eph/holder")
print(json.dumps({"sid": str(a.client_id[0]), "owner": str(stat.ephemeralOwner), "eph": a.get_children("/eph")}), flush=True)
os._exit(0)
`);
    assert.equal(second.sid, first.sid);
    assert.equal(second.owner, first.sid);
    assert.deepEqual(second.eph, ["holder"]);
    // 3. Nobody pings now: the session must expire and take the ephemeral with it; an old
    //    client that comes back is told its session expired.
    const third = await py(`
w = client()
gone = threading.Event()
def watch(ev): gone.set()
if w.exists("/eph/holder", watch=watch) is None: gone.set()
if not gone.wait(30): raise SystemExit("ephemeral still there after 30s")
states = []
old = KazooClient(hosts="127.0.0.1:" + port, client_id=(${String(first.sid)}, bytes.fromhex("${String(first.pwd)}")), timeout=4)
old.add_listener(lambda s: states.append(str(s)))
try:
    old.start(timeout=10)
except Exception as e:
    states.append(type(e).__name__)
print(json.dumps({"exists": w.exists("/eph/holder") is not None, "states": states, "newSid": str(old.client_id[0]) if old.connected else None}))
old.stop(); w.stop()
`);
    assert.equal(third.exists, false);
    // kazoo turns the timeOut=0 ConnectResponse into EXPIRED_SESSION and starts a new session
    // (its initial state is already LOST, so no LOST transition is reported).
    assert.deepEqual(third.states, ["CONNECTED"]);
    assert.equal(typeof third.newSid, "string");
    assert.notEqual(third.newSid, first.sid);
  });

  test("kill -9 of a client process: its ephemeral disappears after the session timeout", async () => {
    const { spawn } = await import("node:child_process");
    const { PYTHON } = await import("./coordinatorHarness");
    const holder = spawn(PYTHON, ["-c", PRELUDE + `
a = client(timeout=3)
a.create("/kill/holder", b"h", ephemeral=True, makepath=True)
print("ready", flush=True)
time.sleep(600)
`, String(coord.port)], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        holder.once("exit", (c) => reject(new Error(`holder exited ${c}`)));
      });
      holder.kill("SIGKILL");
      const out = await py(`
w = client()
gone = threading.Event()
def watch(ev):
    if ev.type == "DELETED": gone.set()
if w.exists("/kill/holder", watch=watch) is None: gone.set()
print(json.dumps({"deleted": gone.wait(20)}))
w.stop()
`);
      assert.equal(out.deleted, true);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});
