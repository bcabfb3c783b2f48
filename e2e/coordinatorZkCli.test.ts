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
    return r.stdout;
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
