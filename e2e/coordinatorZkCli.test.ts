// zkCli.sh (the ZooKeeper 3.8 Java client) against `tandem coordinator`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fourLetterWord, run, startCoordinator, tempDir, ZKCLI, type CoordinatorProcess } from "./coordinatorHarness";

describe("coordinator with zkCli.sh", () => {
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

  /** One JVM per call: commands are fed to the interactive shell through stdin. */
  async function zkCli(commands: string[]): Promise<string> {
    // zkCli prints results on stdout and "Created"/errors on stderr: merge them in order.
    const r = await run("sh", ["-c", `exec ${ZKCLI} -server 127.0.0.1:${coord.port} 2>&1`], [...commands, "quit", ""].join("\n"), 45000);
    // zkCli's event thread prints connection-state events (type:None) whenever it gets to them,
    // sometimes between two commands' output (CI: "[]", then SyncConnected, then "world"): they
    // are taken out so the commands' output reads in order. Watch events on nodes stay.
    return r.stdout.replace(/\nWATCHER::\n\nWatchedEvent state:\w+ type:None path:null\n/g, "");
  }

  test("create -s -e, get -s, ls, set -v, stat, delete, and a get -w watch", async () => {
    const out = await zkCli([
      "create /app hello",
      "create -s -e /app/member- m1",
      "create -s /app/seq- s",
      "get -s /app",
      "ls /app",
      "set -v 0 /app world",
      "set -v 0 /app stale",
      "stat /app",
      "get -w /app/seq-0000000001",
      "set /app/seq-0000000001 changed",
      "delete /app/seq-0000000001",
      "delete /app/nothere",
      "ls /app",
      "create /app hello",
    ]);
    assert.match(out, /Created \/app\n/);
    assert.match(out, /Created \/app\/member-0000000000/);
    assert.match(out, /Created \/app\/seq-0000000001/);
    // get -s /app: data then the stat block, with a child from the ephemeral create.
    assert.match(out, /hello\ncZxid = 0x[0-9a-f]+\n/);
    assert.match(out, /cversion = 2\ndataVersion = 0\naclVersion = 0\nephemeralOwner = 0x0\ndataLength = 5\nnumChildren = 2/);
    assert.match(out, /\[member-0000000000, seq-0000000001\]/);
    assert.match(out, /version No is not valid : \/app/, "stale set -v gets BadVersion");
    assert.match(out, /dataVersion = 1\naclVersion = 0\nephemeralOwner = 0x0\ndataLength = 5/, "stat after set -v 0");
    assert.match(out, /WatchedEvent state:SyncConnected type:NodeDataChanged path:\/app\/seq-0000000001/);
    assert.match(out, /Node does not exist: \/app\/nothere/);
    assert.match(out, /Node already exists: \/app/);
    // After the session closed (quit), the ephemeral is gone but the persistent nodes stay.
    const out2 = await zkCli(["ls /app", "get /app", "stat /app/member-0000000000"]);
    assert.match(out2, /\[\]\nworld/);
    assert.match(out2, /Node does not exist: \/app\/member-0000000000/);
  });

  test("deleteall (multi) and four-letter words", async () => {
    const out = await zkCli(["create /tree", "create /tree/a", "create /tree/a/b", "deleteall /tree", "ls /"]);
    assert.match(out, /Created \/tree\/a\/b/);
    // The only `ls /` output: /tree is gone (app may remain from the previous test).
    assert.match(out, /^\[(app, )?zookeeper\]$/m);
    assert.equal(await fourLetterWord(coord.port, "ruok"), "imok");
    assert.match(await fourLetterWord(coord.port, "srvr"), /^Zookeeper version: 3\.8\.\d.*\nLatency min\/avg\/max: .*\nReceived: \d+\nSent: \d+\nConnections: \d+\nOutstanding: \d+\nZxid: 0x[0-9a-f]+\nMode: standalone\nNode count: \d+\n$/);
    assert.match(await fourLetterWord(coord.port, "envi"), /^Environment:\nzookeeper\.version=3\.8\./);
    assert.match(await fourLetterWord(coord.port, "mntr"), /zk_znode_count\t\d+\n/);
    assert.equal(await fourLetterWord(coord.port, "isro"), "rw");
    assert.match(await fourLetterWord(coord.port, "stat"), /Clients:\n/);
    assert.match(await fourLetterWord(coord.port, "wchs"), /Total watches:\d+/);
    assert.equal(await fourLetterWord(coord.port, "cons"), "\n");
  });
});

describe("coordinator with zkCli.sh: what ZooKeeper 3.8 prints", () => {
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

  async function zkCli(commands: string[]): Promise<string> {
    const r = await run("sh", ["-c", `exec ${ZKCLI} -server 127.0.0.1:${coord.port} 2>&1`], [...commands, "quit", ""].join("\n"), 45000);
    // zkCli's event thread prints connection-state events (type:None) whenever it gets to them,
    // sometimes between two commands' output (CI: "[]", then SyncConnected, then "world"): they
    // are taken out so the commands' output reads in order. Watch events on nodes stay.
    return r.stdout.replace(/\nWATCHER::\n\nWatchedEvent state:\w+ type:None path:null\n/g, "");
  }

  test("whoami names the digest user; a container's stat shows ephemeralOwner 0x0; reconfig is disabled", async () => {
    const out = await zkCli(["addauth digest user:pw", "whoami", "create -c /ctr", "create /ctr/kid", "stat /ctr", "reconfig -remove 3"]);
    assert.match(out, /Auth scheme: User\n/);
    assert.match(out, /^digest: user$/m, "the user name, not user:hash");
    assert.match(out, /^ip: 127\.0\.0\.1$/m);
    assert.doesNotMatch(out, /^digest: user:/m);
    assert.match(out, /cversion = 1\ndataVersion = 0\naclVersion = 0\nephemeralOwner = 0x0\ndataLength = 0\nnumChildren = 1/);
    assert.match(out, /KeeperErrorCode = Reconfig is disabled/);
  });

  test("addWatch (persistent, recursive) and removewatches print what they print against ZooKeeper 3.8", async () => {
    const out = await zkCli([
      "create /w", "addWatch -m PERSISTENT_RECURSIVE /w", "create /w/a 1", "create /w/a/b 2", "set /w/a/b 3", "delete /w/a/b",
      "removewatches /w", "set /w/a after-removal", "removewatches /nowatch",
      "addWatch -m PERSISTENT /w", "create /w/p", "set /w v1", "set /w v2", "set /w/p not-seen",
      "get -w /w/a", "removewatches /w/a -d", "set /w/a unseen",
    ]);
    const events = [...out.matchAll(/WatchedEvent state:SyncConnected type:(\w+) path:(\S+)/g)].map((m) => `${m[1]} ${m[2]}`).filter((e) => e !== "None null");
    assert.deepEqual(events, [
      "NodeCreated /w/a", "NodeCreated /w/a/b", "NodeDataChanged /w/a/b", "NodeDeleted /w/a/b", "PersistentWatchRemoved /w",
      "NodeChildrenChanged /w", "NodeDataChanged /w", "NodeDataChanged /w", "DataWatchRemoved /w/a",
    ]);
    assert.match(out, /KeeperErrorCode = No such watcher for \/nowatch\n/);
    assert.doesNotMatch(out, /Unimplemented/);
  });

  test("setquota, listquota and delquota work; creates under /zookeeper are allowed", async () => {
    const out = await zkCli([
      "create /q", "create /q/a abc", "setquota -n 5 /q", "listquota /q",
      "create /q/b hello", "listquota /q", "set /q/a abcdef", "delete /q/b", "listquota /q",
      "delquota -n /q", "listquota /q", "create /zookeeper/mine x", "get /zookeeper/mine", "delete /zookeeper/quota",
    ]);
    assert.match(out, /absolute path is \/zookeeper\/quota\/q\/zookeeper_limits\nOutput quota for \/q count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1\nOutput stat for \/q count=2,bytes=3\n/);
    assert.match(out, /Output stat for \/q count=3,bytes=8\n/, "a create under /q is counted");
    assert.match(out, /Output stat for \/q count=2,bytes=6\n/, "a set and a delete under /q are counted");
    assert.match(out, /Output quota for \/q count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=-1\n/, "delquota -n clears the count");
    assert.match(out, /Created \/zookeeper\/mine\nx\n/);
    assert.match(out, /Arguments are not valid : \/zookeeper\/quota\n/, "the quota root itself cannot be deleted");
  });
});

describe("coordinator TTL nodes (extendedTypesEnabled)", () => {
  async function zkCliAt(port: number, commands: string[]): Promise<string> {
    const r = await run("sh", ["-c", `exec ${ZKCLI} -server 127.0.0.1:${port} 2>&1`], [...commands, "quit", ""].join("\n"), 45000);
    return r.stdout;
  }

  test("off by default: create -t is Unimplemented, as ZooKeeper without zookeeper.extendedTypesEnabled", async () => {
    const dir = await tempDir();
    const coord = await startCoordinator(dir.path);
    try {
      assert.match(await zkCliAt(coord.port, ["create -t 1000 /ttl x"]), /KeeperErrorCode = Unimplemented for \/ttl\n/);
    } finally {
      await coord.stop();
      await dir.remove();
    }
  });

  test("--reconfig-enabled: reconfig is Unimplemented, as a standalone ZooKeeper with reconfigEnabled=true", async () => {
    const dir = await tempDir();
    const coord = await startCoordinator(dir.path, ["--reconfig-enabled"]);
    try {
      assert.match(await zkCliAt(coord.port, ["reconfig -remove 3"]), /KeeperErrorCode = Unimplemented\n/);
    } finally {
      await coord.stop();
      await dir.remove();
    }
  });

  test("on: a TTL node shows ephemeralOwner 0x0, lives while it has children and goes after its TTL once empty", async () => {
    const dir = await tempDir();
    // tickTime 200: the container/TTL sweep runs every second.
    const coord = await startCoordinator(dir.path, ["--extended-types", "--tick-time", "200"]);
    try {
      const out = await zkCliAt(coord.port, ["create -t 1500 /ttl x", "create -t 1500 -s /seq- y", "create /ttl/kid", "stat /ttl"]);
      assert.match(out, /Created \/ttl\n/);
      assert.match(out, /Created \/seq-0000000001\n/);
      assert.match(out, /ephemeralOwner = 0x0\ndataLength = 1\nnumChildren = 1/);
      // The sequential TTL node has no child: it expires. /ttl has one: it stays until it is emptied.
      let gone = "";
      for (let i = 0; i < 30 && !gone.includes("Node does not exist: /seq-0000000001"); i++) {
        await new Promise((r) => setTimeout(r, 500));
        gone = await zkCliAt(coord.port, ["stat /seq-0000000001", "ls /ttl"]);
      }
      assert.match(gone, /Node does not exist: \/seq-0000000001/);
      assert.match(gone, /^\[kid\]$/m, "a TTL node with children is kept");
      await zkCliAt(coord.port, ["delete /ttl/kid"]);
      let after = "";
      for (let i = 0; i < 30 && !after.includes("Node does not exist: /ttl"); i++) {
        await new Promise((r) => setTimeout(r, 500));
        after = await zkCliAt(coord.port, ["stat /ttl"]);
      }
      assert.match(after, /Node does not exist: \/ttl/);
    } finally {
      await coord.stop();
      await dir.remove();
    }
  });
});

describe("coordinator 4lw whitelist", () => {
  test("a word outside --4lw is refused with ZooKeeper's message", async () => {
    const dir = await tempDir();
    const coord = await startCoordinator(dir.path, ["--4lw", "ruok,srvr"]);
    try {
      assert.equal(await fourLetterWord(coord.port, "ruok"), "imok");
      assert.equal(await fourLetterWord(coord.port, "mntr"), "mntr is not executed because it is not in the whitelist.\n");
    } finally {
      await coord.stop();
      await dir.remove();
    }
  });
});
