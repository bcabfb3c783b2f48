import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { digestId } from "./acl";
import { DataTree } from "./DataTree";
import { PrepStage } from "./PrepStage";
import { CONTAINER_OWNER, CreateFlags, Err, EventType, OpCode, type ClientRequest, type MultiOp } from "./protocol";
import type { Request } from "./Request";
import { SessionTracker } from "./SessionTracker";
import { decodeTxn, encodeTxn } from "./txn";
import { WatcherType, WatchManager, WatchMode, type Watcher } from "./WatchManager";

const EPOCH = 3;
const Z = (n: number): number => EPOCH * 4294967296 + n;

/** Prepared tree + prep stage feeding a committed tree, the way the server wires them (minus the log). */
function harness(): { prepared: DataTree; committed: DataTree; send: (body: ClientRequest, sessionId?: bigint, ids?: Request["ids"]) => Request } {
  const prepared = new DataTree();
  const committed = new DataTree();
  let clock = 1000;
  const sessions = new SessionTracker(Buffer.alloc(32), 0);
  const prep = new PrepStage(prepared, EPOCH, sessions, { submit: (r) => { if (r.txn) committed.apply(decodeTxn(encodeTxn(r.txn))); } }, () => ++clock);
  const send = (body: ClientRequest, sessionId = 0x77n, ids: Request["ids"] = [{ scheme: "world", id: "anyone" }]): Request => {
    const req: Request = { origin: null, sessionId, xid: 1, type: 0, body, ids, receivedAt: 0, txn: null, err: 0, multiErrors: null };
    prep.submit(req);
    return req;
  };
  return { prepared, committed, send };
}

const open = [{ perms: 31, id: { scheme: "world", id: "anyone" } }];
const create = (path: string, flags = 0, data = ""): MultiOp => ({ op: "create", type: OpCode.create, path, data: Buffer.from(data), acl: open, flags });

describe("DataTree through the prepare stage", () => {
  test("has / and /zookeeper, which clients cannot delete (ZooKeeper lets them write it)", () => {
    const h = harness();
    assert.ok(h.committed.getNode("/zookeeper"));
    assert.equal(h.send({ op: "delete", path: "/zookeeper", version: -1 }).err, Err.BadArguments);
    assert.equal(h.send({ op: "setData", path: "/zookeeper", data: Buffer.from("x"), version: -1 }).err, 0);
    assert.equal(h.send({ op: "setData", path: "/zookeeper/config", data: Buffer.from("x"), version: -1 }).err, Err.NoAuth, "config is read-only");
  });

  test("stat bookkeeping: version, cversion, aversion, mzxid, pzxid, numChildren, dataLength", () => {
    const h = harness();
    const r1 = h.send(create("/a", 0, "hello"));
    assert.equal(r1.err, 0);
    assert.equal(r1.txn!.zxid, Z(1));
    const a = h.committed.statOf(h.committed.getNode("/a")!);
    assert.equal(a.czxid, Z(1));
    assert.equal(a.mzxid, Z(1));
    assert.equal(a.pzxid, Z(1));
    assert.equal(a.dataLength, 5);
    assert.equal(a.version, 0);
    h.send(create("/a/b"));
    h.send({ op: "setData", path: "/a", data: Buffer.from("hi"), version: 0 });
    h.send({ op: "setACL", path: "/a", acl: open, version: 0 });
    h.send({ op: "delete", path: "/a/b", version: 0 });
    const s = h.committed.statOf(h.committed.getNode("/a")!);
    assert.equal(s.version, 1);
    assert.equal(s.mzxid, Z(3));
    assert.equal(s.aversion, 1);
    assert.equal(s.cversion, 2, "create and delete of a child both count");
    assert.equal(s.pzxid, Z(5));
    assert.equal(s.numChildren, 0);
    assert.equal(s.dataLength, 2);
    assert.equal(s.czxid, Z(1));
  });

  test("errors: NodeExists, NoNode parent, BadVersion, NotEmpty, NoChildrenForEphemerals, InvalidACL, bad path", () => {
    const h = harness();
    h.send(create("/a"));
    assert.equal(h.send(create("/a")).err, Err.NodeExists);
    assert.equal(h.send(create("/x/y")).err, Err.NoNode);
    assert.equal(h.send({ op: "setData", path: "/a", data: Buffer.alloc(0), version: 7 }).err, Err.BadVersion);
    assert.equal(h.send({ op: "setData", path: "/a", data: Buffer.alloc(0), version: -1 }).err, 0, "-1 matches any version");
    h.send(create("/a/c"));
    assert.equal(h.send({ op: "delete", path: "/a", version: -1 }).err, Err.NotEmpty);
    h.send(create("/e", 1));
    assert.equal(h.send(create("/e/child")).err, Err.NoChildrenForEphemerals);
    assert.equal(h.send({ ...create("/acl"), acl: [] } as MultiOp).err, Err.InvalidACL);
    for (const bad of ["a", "/a/", "/a\u0000b", "/a/."]) {
      assert.equal(h.send(create(bad)).err, Err.BadArguments, bad);
    }
    // ZooKeeper looks the parent up before checking the whole path: a bad parent is NoNode.
    for (const bad of ["/a//b", "/a/./b", "/a/../b"]) assert.equal(h.send(create(bad)).err, Err.NoNode, bad);
    assert.equal(h.send(create("/nonexistent", 0)).err, 0);
    assert.equal(h.committed.lastZxid, h.prepared.lastZxid, "failed writes take no zxid");
  });

  test("sequential names come from the parent's cversion, %010d, with gaps after deletes", () => {
    const h = harness();
    h.send(create("/q"));
    const p1 = h.send(create("/q/n-", 2)).txn!.op;
    assert.equal(p1.type === "create" && p1.path, "/q/n-0000000000");
    h.send({ op: "delete", path: "/q/n-0000000000", version: -1 });
    const p2 = h.send(create("/q/n-", 3)).txn!.op;
    assert.equal(p2.type === "create" && p2.path, "/q/n-0000000002");
    assert.equal(p2.type === "create" && p2.ephemeralOwner, 0x77n);
    const p3 = h.send(create("/q/", 2)).txn!.op;
    assert.equal(p3.type === "create" && p3.path, "/q/0000000003", "a sequential path may end in /");
  });

  test("multi is all or nothing: per-op errors, prepared tree rolled back, no zxid consumed", () => {
    const h = harness();
    h.send(create("/m"));
    const before = h.prepared.lastZxid;
    const cv = h.prepared.getNode("/m")!.cversion;
    const r = h.send({ op: "multi", ops: [create("/m/a"), { op: "setData", path: "/m", data: Buffer.from("x"), version: -1 }, { op: "check", path: "/m", version: 99 }, create("/m/b")] });
    assert.equal(r.txn, null);
    assert.deepEqual(r.multiErrors, [0, 0, Err.BadVersion, Err.RuntimeInconsistency]);
    assert.equal(h.prepared.getNode("/m/a"), undefined);
    assert.equal(h.prepared.getNode("/m")!.cversion, cv);
    assert.equal(h.prepared.getNode("/m")!.version, 0);
    assert.deepEqual(h.prepared.getNode("/m")!.data, Buffer.alloc(0));
    assert.equal(h.prepared.lastZxid, before);
    // The next write gets the next zxid, not one after a hole.
    assert.equal(h.send(create("/m/z")).txn!.zxid, before + 1);
  });

  test("multi success: one zxid for all ops, later ops see earlier ones", () => {
    const h = harness();
    const r = h.send({ op: "multi", ops: [create("/p"), create("/p/s-", 2), { op: "check", path: "/p", version: 0 }, { op: "setData", path: "/p", data: Buffer.from("d"), version: 0 }, { op: "delete", path: "/p/s-0000000000", version: 0 }] });
    assert.equal(r.err, 0);
    assert.ok(r.txn);
    const p = h.committed.getNode("/p")!;
    assert.equal(p.czxid, r.txn.zxid);
    assert.equal(p.mzxid, r.txn.zxid);
    assert.equal(p.cversion, 2);
    assert.equal(p.children.size, 0);
  });

  test("closing a session deletes exactly its ephemerals", () => {
    const h = harness();
    h.send({ op: "createSession", timeout: 4000, connect: undefined as never } as never, 0x10n);
    h.send(create("/e1", 1), 0x10n);
    h.send(create("/e2", 3), 0x10n);
    h.send(create("/other", 1), 0x11n);
    assert.deepEqual([...h.committed.ephemeralsOf(0x10n)].sort(), ["/e1", "/e20000000001"]);
    h.send({ op: "closeSession" }, 0x10n);
    assert.equal(h.committed.getNode("/e1"), undefined);
    assert.equal(h.committed.getNode("/e20000000001"), undefined);
    assert.ok(h.committed.getNode("/other"));
    assert.equal(h.committed.sessions.has(0x10n), false);
  });

  test("ACLs: digest identity grants, others get NoAuth", () => {
    const h = harness();
    const me = { scheme: "digest", id: digestId("user:pw") };
    const acl = [{ perms: 31, id: me }];
    assert.equal(h.send({ op: "create", type: 1, path: "/s", data: Buffer.alloc(0), acl, flags: 0 }).err, 0);
    assert.equal(h.send({ op: "setData", path: "/s", data: Buffer.from("x"), version: -1 }).err, Err.NoAuth);
    assert.equal(h.send({ op: "setData", path: "/s", data: Buffer.from("x"), version: -1 }, 1n, [me]).err, 0);
    assert.equal(h.send({ op: "create", type: 1, path: "/t", data: Buffer.alloc(0), acl: [{ perms: 31, id: { scheme: "auth", id: "" } }], flags: 0 }).err, Err.InvalidACL);
    const r = h.send({ op: "create", type: 1, path: "/t", data: Buffer.alloc(0), acl: [{ perms: 31, id: { scheme: "auth", id: "" } }], flags: 0 }, 1n, [{ scheme: "world", id: "anyone" }, me]);
    assert.equal(r.err, 0);
    assert.deepEqual(h.committed.getNode("/t")!.acl, [{ perms: 31, id: me }]);
  });

  test("containers are marked and reported empty only after they had children", () => {
    const h = harness();
    h.send(create("/c", 4));
    assert.equal(h.committed.getNode("/c")!.ephemeralOwner, CONTAINER_OWNER);
    assert.deepEqual(h.committed.emptyContainers(), []);
    h.send(create("/c/x"));
    h.send({ op: "delete", path: "/c/x", version: -1 });
    assert.deepEqual(h.committed.emptyContainers(), ["/c"]);
  });

  test("a captured image encodes the tree as it was captured, whatever is changed while it is encoded in slices", () => {
    const h = harness();
    h.send(create("/app", 0, "root"));
    for (let i = 0; i < 3000; i++) h.send(create(`/app/n${i}`, 0, `v${i}`));
    const expected = h.committed.serialize();
    const image = h.committed.capture();
    const chunks = [image.header(), image.encode(0, 1000)];
    // Between slices the server keeps applying: data replaced, nodes deleted and created, a parent re-created.
    h.send({ op: "setData", path: "/app/n5", data: Buffer.from("changed"), version: -1 });
    h.send({ op: "setData", path: "/app/n2500", data: Buffer.from("changed too"), version: -1 });
    h.send({ op: "delete", path: "/app/n2999", version: -1 });
    h.send(create("/app/late"));
    h.send(create("/later", 0, "x"));
    chunks.push(image.encode(1000, 2000), image.encode(2000, image.size));
    const body = Buffer.concat(chunks);
    assert.ok(body.equals(expected), "byte for byte the snapshot of the captured moment");
    const copy = DataTree.deserialize(body);
    assert.equal(copy.getNode("/app/n2500")!.data?.toString(), "v2500");
    assert.ok(copy.getNode("/app/n2999"));
    assert.equal(copy.getNode("/later"), undefined);
    assert.equal(copy.nodeCount(), image.size);
  });

  test("snapshot round trip keeps nodes, stats, ephemerals and sessions", () => {
    const h = harness();
    h.send({ op: "createSession", timeout: 6000, connect: undefined as never } as never, 0x42n);
    h.send(create("/a", 0, "x"));
    h.send(create("/a/b", 1, "y"), 0x42n);
    h.send(create("/c", 4));
    const copy = DataTree.deserialize(h.committed.serialize());
    assert.equal(copy.lastZxid, h.committed.lastZxid);
    assert.deepEqual(copy.statOf(copy.getNode("/a")!), h.committed.statOf(h.committed.getNode("/a")!));
    assert.deepEqual(copy.statOf(copy.getNode("/")!), h.committed.statOf(h.committed.getNode("/")!));
    assert.deepEqual(copy.ephemeralsOf(0x42n), ["/a/b"]);
    assert.equal(copy.sessions.get(0x42n), 6000);
    assert.equal(copy.getNode("/a/b")!.data?.toString(), "y");
    assert.equal(copy.nodeCount(), h.committed.nodeCount());
  });
});

describe("quotas and owners", () => {
  test("zookeeper_stats follows creates, sets and deletes under a quota'd path; rebuilt from a snapshot; a failed multi leaves it alone", () => {
    const h = harness();
    const stats = (t: DataTree): string => t.getNode("/zookeeper/quota/q/zookeeper_stats")!.data!.toString();
    h.send(create("/q"));
    h.send(create("/q/a", 0, "abc"));
    h.send(create("/zookeeper/quota/q"));
    h.send(create("/zookeeper/quota/q/zookeeper_limits", 0, "count=5,bytes=-1"));
    h.send(create("/zookeeper/quota/q/zookeeper_stats", 0, "count=0,bytes=0"));
    assert.equal(stats(h.committed), "count=2,bytes=3", "recounted when the stat node appears");
    h.send(create("/q/b", 0, "hello"));
    h.send({ op: "setData", path: "/q/a", data: Buffer.from("abcdef"), version: -1 });
    h.send(create("/other", 0, "zzz"));
    assert.equal(stats(h.committed), "count=3,bytes=11");
    h.send({ op: "delete", path: "/q/b", version: -1 });
    assert.equal(stats(h.committed), "count=2,bytes=6");
    assert.equal(h.send({ op: "multi", ops: [create("/q/c", 0, "1234"), create("/nope/x")] }).multiErrors![1], Err.NoNode);
    assert.equal(stats(h.prepared), "count=2,bytes=6", "rolled back in the prepared tree");
    assert.equal(stats(DataTree.deserialize(h.committed.serialize())), "count=2,bytes=6");
    h.send({ op: "delete", path: "/zookeeper/quota/q/zookeeper_limits", version: -1 });
    h.send(create("/q/d", 0, "x"));
    assert.equal(stats(h.committed), "count=2,bytes=6", "no limit node, no counting");
    assert.equal(h.send({ op: "delete", path: "/zookeeper/quota", version: -1 }).err, Err.BadArguments);
  });

  test("TTL nodes: only with extendedTypes, ttl validated, owner 0 in Stat, expire when empty and older than the TTL", () => {
    const ttlCreate = (path: string, flags: number, ttl: number): MultiOp => ({ op: "create", type: OpCode.createTTL, path, data: null, acl: open, flags, ttl });
    assert.equal(harness().send(ttlCreate("/t", CreateFlags.PERSISTENT_WITH_TTL, 1000)).err, Err.Unimplemented);
    const tree = new DataTree();
    let clock = 1000;
    const prep = new PrepStage(tree, EPOCH, new SessionTracker(Buffer.alloc(32), 0), { submit: () => undefined }, () => clock, true);
    const send = (body: ClientRequest): number => {
      const req: Request = { origin: null, sessionId: 9n, xid: 1, type: 0, body, ids: [{ scheme: "world", id: "anyone" }], receivedAt: 0, txn: null, err: 0, multiErrors: null };
      prep.submit(req);
      return req.err;
    };
    assert.equal(send(ttlCreate("/t", CreateFlags.PERSISTENT_WITH_TTL, 0)), Err.BadArguments);
    assert.equal(send(ttlCreate("/t", CreateFlags.PERSISTENT_WITH_TTL, 2 ** 40)), Err.BadArguments);
    assert.equal(send(ttlCreate("/t", CreateFlags.PERSISTENT, 1000)), Err.BadArguments, "a ttl with a non-TTL mode");
    assert.equal(send(ttlCreate("/t", CreateFlags.PERSISTENT_WITH_TTL, 1000)), 0);
    assert.equal(send(ttlCreate("/s-", CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL, 5000)), 0);
    assert.ok(tree.getNode("/s-0000000001"));
    assert.equal(tree.statOf(tree.getNode("/t")!).ephemeralOwner, 0n);
    assert.equal(send(create("/t/kid")), 0, "a TTL node may have children (it is not ephemeral)");
    clock = 3000;
    assert.deepEqual(tree.expiredTtlNodes(clock), [], "/t has a child; /s- is young");
    assert.equal(send({ op: "delete", path: "/t/kid", version: -1 }), 0);
    assert.deepEqual(tree.expiredTtlNodes(clock), ["/t"]);
    assert.deepEqual(DataTree.deserialize(tree.serialize()).expiredTtlNodes(7000).sort(), ["/s-0000000001", "/t"], "rebuilt from a snapshot");
  });

  test("a container's stat shows ephemeralOwner 0 (it is still a container inside)", () => {
    const h = harness();
    h.send(create("/c", 4));
    const n = h.committed.getNode("/c")!;
    assert.equal(n.ephemeralOwner, CONTAINER_OWNER);
    assert.equal(h.committed.statOf(n).ephemeralOwner, 0n);
    h.send(create("/c/kid"));
    assert.equal(h.send(create("/c/kid/x")).err, 0, "a container's children may have children");
  });
});

describe("null data (jute buffer length -1) stays distinct from empty data", () => {
  // Regression: ZooKeeper stores a null buffer as null and getData answers null; we used to
  // coerce it to an empty buffer in the codec, the txn log and the snapshot.
  const nul = (path: string, flags = 0): MultiOp => ({ op: "create", type: OpCode.create, path, data: null, acl: open, flags });

  test("create, setData and multi keep null through the txn codec; dataLength is 0 for both", () => {
    const h = harness(); // every txn reaches the committed tree through encodeTxn/decodeTxn
    assert.equal(h.send(nul("/n")).err, 0);
    assert.equal(h.send(create("/e")).err, 0);
    for (const t of [h.prepared, h.committed]) {
      assert.equal(t.getNode("/n")!.data, null);
      assert.deepEqual(t.getNode("/e")!.data, Buffer.alloc(0));
      assert.equal(t.statOf(t.getNode("/n")!).dataLength, 0);
      assert.equal(t.statOf(t.getNode("/e")!).dataLength, 0);
    }
    h.send({ op: "setData", path: "/e", data: null, version: -1 });
    h.send({ op: "setData", path: "/n", data: Buffer.alloc(0), version: -1 });
    assert.equal(h.committed.getNode("/e")!.data, null);
    assert.deepEqual(h.committed.getNode("/n")!.data, Buffer.alloc(0));
    const r = h.send({ op: "multi", ops: [nul("/m"), { op: "setData", path: "/n", data: null, version: -1 }] });
    assert.equal(r.err, 0);
    assert.equal(h.committed.getNode("/m")!.data, null);
    assert.equal(h.committed.getNode("/n")!.data, null);
    assert.equal(h.committed.getNode("/n")!.version, 2);
  });

  test("a txn record with null data decodes to null, with empty data to empty", () => {
    const base = { zxid: Z(1), time: 5, sessionId: 0n };
    const n = decodeTxn(encodeTxn({ ...base, op: { type: "create", path: "/x", data: null, acl: open, ephemeralOwner: 0n } }));
    const e = decodeTxn(encodeTxn({ ...base, op: { type: "setData", path: "/x", data: Buffer.alloc(0), version: 1 } }));
    assert.equal(n.op.type === "create" && n.op.data, null);
    assert.deepEqual(e.op.type === "setData" && e.op.data, Buffer.alloc(0));
  });

  test("snapshot round trip keeps null and empty apart", () => {
    const h = harness();
    h.send(nul("/n"));
    h.send(create("/e"));
    h.send(create("/d", 0, "v"));
    const copy = DataTree.deserialize(h.committed.serialize());
    assert.equal(copy.getNode("/n")!.data, null);
    assert.deepEqual(copy.getNode("/e")!.data, Buffer.alloc(0));
    assert.equal(copy.getNode("/d")!.data?.toString(), "v");
    assert.deepEqual(copy.statOf(copy.getNode("/n")!), h.committed.statOf(h.committed.getNode("/n")!));
  });
});

describe("WatchManager", () => {
  function recorder(): Watcher & { events: [number, string][] } {
    const events: [number, string][] = [];
    return { events, notify: (t, p) => events.push([t, p]) };
  }

  test("one-shot, deduplicated per watcher, delete hits data and child watches once", () => {
    const wm = new WatchManager();
    const a = recorder();
    const b = recorder();
    wm.addDataWatch("/x", a);
    wm.addDataWatch("/x", a);
    wm.addChildWatch("/x", a);
    wm.addChildWatch("/", b);
    wm.trigger({ type: EventType.NodeDeleted, path: "/x" }, 1);
    wm.trigger({ type: EventType.NodeChildrenChanged, path: "/" }, 1);
    wm.trigger({ type: EventType.NodeDeleted, path: "/x" }, 2);
    wm.trigger({ type: EventType.NodeChildrenChanged, path: "/" }, 2);
    assert.deepEqual(a.events, [[EventType.NodeDeleted, "/x"]]);
    assert.deepEqual(b.events, [[EventType.NodeChildrenChanged, "/"]]);
    assert.equal(wm.count(), 0);
  });

  test("data change does not fire child watches; removed watchers get nothing", () => {
    const wm = new WatchManager();
    const a = recorder();
    const b = recorder();
    wm.addChildWatch("/x", a);
    wm.addDataWatch("/x", b);
    wm.trigger({ type: EventType.NodeDataChanged, path: "/x" }, 1);
    assert.deepEqual(a.events, []);
    assert.deepEqual(b.events, [[EventType.NodeDataChanged, "/x"]]);
    wm.removeWatcher(a);
    wm.trigger({ type: EventType.NodeChildrenChanged, path: "/x" }, 2);
    assert.deepEqual(a.events, []);
  });

  test("persistent watches (addWatch PERSISTENT) fire on every data and child change of their path and stay", () => {
    const wm = new WatchManager();
    const a = recorder();
    wm.addPersistentWatch("/p", a, WatchMode.PERSISTENT);
    wm.addDataWatch("/p", a); // a one-shot registration does not turn it into a one-shot watch
    for (let i = 0; i < 2; i++) {
      wm.trigger({ type: EventType.NodeDataChanged, path: "/p" }, 1);
      wm.trigger({ type: EventType.NodeChildrenChanged, path: "/p" }, 1);
    }
    wm.trigger({ type: EventType.NodeDataChanged, path: "/p/kid" }, 1);
    wm.trigger({ type: EventType.NodeDeleted, path: "/p" }, 1);
    wm.trigger({ type: EventType.NodeCreated, path: "/p" }, 1);
    assert.deepEqual(a.events, [
      [EventType.NodeDataChanged, "/p"], [EventType.NodeChildrenChanged, "/p"],
      [EventType.NodeDataChanged, "/p"], [EventType.NodeChildrenChanged, "/p"],
      [EventType.NodeDeleted, "/p"], [EventType.NodeCreated, "/p"],
    ]);
    assert.equal(wm.count(), 2, "one entry in each table");
  });

  test("recursive watches see the whole subtree except NodeChildrenChanged; one event per watcher", () => {
    const wm = new WatchManager();
    const a = recorder();
    wm.addPersistentWatch("/r", a, WatchMode.PERSISTENT_RECURSIVE);
    wm.addPersistentWatch("/r/x", a, WatchMode.PERSISTENT_RECURSIVE);
    wm.trigger({ type: EventType.NodeCreated, path: "/r/x/y" }, 1);
    wm.trigger({ type: EventType.NodeChildrenChanged, path: "/r/x" }, 1);
    wm.trigger({ type: EventType.NodeDataChanged, path: "/r" }, 1);
    wm.trigger({ type: EventType.NodeDeleted, path: "/r/x/y" }, 1);
    wm.trigger({ type: EventType.NodeCreated, path: "/rr" }, 1);
    assert.deepEqual(a.events, [[EventType.NodeCreated, "/r/x/y"], [EventType.NodeDataChanged, "/r"], [EventType.NodeDeleted, "/r/x/y"]]);
  });

  test("checkWatches / removeWatches by type; NoWatcher is false", () => {
    const wm = new WatchManager();
    const a = recorder();
    const b = recorder();
    wm.addDataWatch("/d", a);
    wm.addChildWatch("/c", a);
    assert.ok(wm.contains("/d", WatcherType.Data, a));
    assert.ok(wm.contains("/d", WatcherType.Any, a));
    assert.ok(!wm.contains("/d", WatcherType.Children, a));
    assert.ok(!wm.contains("/d", WatcherType.Data, b), "another connection's watch is not mine");
    assert.ok(!wm.remove("/d", WatcherType.Children, a));
    assert.ok(wm.remove("/d", WatcherType.Any, a));
    assert.ok(!wm.remove("/d", WatcherType.Any, a));
    wm.trigger({ type: EventType.NodeDataChanged, path: "/d" }, 1);
    assert.deepEqual(a.events, []);
    wm.addPersistentWatch("/p", a, WatchMode.PERSISTENT_RECURSIVE);
    assert.ok(wm.remove("/p", WatcherType.Data, a));
    assert.ok(wm.contains("/p", WatcherType.Children, a), "the child half of addWatch stays");
    // As in ZooKeeper, data events go to the data table only; a delete reaches the child table too.
    wm.trigger({ type: EventType.NodeDataChanged, path: "/p/q" }, 1);
    wm.trigger({ type: EventType.NodeDeleted, path: "/p/q" }, 1);
    assert.deepEqual(a.events, [[EventType.NodeDeleted, "/p/q"]]);
    assert.ok(wm.remove("/p", WatcherType.Any, a));
    wm.trigger({ type: EventType.NodeDeleted, path: "/p/q" }, 1);
    assert.equal(a.events.length, 1);
  });
});
