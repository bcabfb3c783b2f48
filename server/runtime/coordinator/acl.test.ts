// ZooKeeper 3.8's ACL semantics (PrepRequestProcessor.fixupACL, ZooKeeperServer.checkACL,
// IPAuthenticationProvider), through the prepare stage as the server wires it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { authenticate, digestId, fixupAcl, permits } from "./acl";
import { DataTree } from "./DataTree";
import { PrepStage } from "./PrepStage";
import { Err, KeeperError, OpCode, type Acl, type ClientRequest, type Id } from "./protocol";
import type { Request } from "./Request";
import { SessionTracker } from "./SessionTracker";

const WORLD: Id = { scheme: "world", id: "anyone" };
const IP: Id = { scheme: "ip", id: "127.0.0.1" };
const ME: Id = { scheme: "digest", id: digestId("user:pw") };
const OPEN: Acl[] = [{ perms: 31, id: WORLD }];

function harness(): { tree: DataTree; send: (body: ClientRequest, ids?: readonly Id[]) => number } {
  const tree = new DataTree();
  const prep = new PrepStage(tree, 1, new SessionTracker(Buffer.alloc(32), 0), { submit: () => undefined });
  const send = (body: ClientRequest, ids: readonly Id[] = [WORLD, IP]): number => {
    const req: Request = { origin: null, sessionId: 5n, xid: 1, type: 0, body, ids, receivedAt: 0, txn: null, err: 0, multiErrors: null };
    prep.submit(req);
    return req.err;
  };
  return { tree, send };
}

const create = (path: string, acl: Acl[]): ClientRequest => ({ op: "create", type: OpCode.create, path, data: null, acl, flags: 0 });
const codeOf = (f: () => unknown): number => {
  try {
    f();
    return 0;
  } catch (e) {
    assert.ok(e instanceof KeeperError);
    return e.code;
  }
};

describe("ACLs as ZooKeeper 3.8 has them", () => {
  test("auth expands to authenticated ids only: never to the client's ip id", () => {
    // The hole: an `auth` ACL used to include ip:127.0.0.1, so any client on the same address got in.
    assert.deepEqual(fixupAcl([{ perms: 31, id: { scheme: "auth", id: "" } }], [WORLD, IP, ME], "/p"), [{ perms: 31, id: ME }]);
    assert.equal(codeOf(() => fixupAcl([{ perms: 31, id: { scheme: "auth", id: "" } }], [WORLD, IP], "/p")), Err.InvalidACL);
    const h = harness();
    assert.equal(h.send(create("/sec", [{ perms: 31, id: { scheme: "auth", id: "" } }]), [WORLD, IP]), Err.InvalidACL);
    assert.equal(h.send(create("/sec", [{ perms: 31, id: { scheme: "auth", id: "" } }]), [WORLD, IP, ME]), 0);
    assert.equal(h.send({ op: "setData", path: "/sec", data: null, version: -1 }, [WORLD, IP]), Err.NoAuth);
    assert.equal(h.send({ op: "setData", path: "/sec", data: null, version: -1 }, [WORLD, IP, ME]), 0);
  });

  test("ip ids: exact address, CIDR ranges, and validation", () => {
    const acl = (id: string): Acl[] => [{ perms: 1, id: { scheme: "ip", id } }];
    assert.ok(permits(acl("127.0.0.1"), 1, [IP]));
    assert.ok(permits(acl("127.0.0.0/8"), 1, [IP]));
    assert.ok(permits(acl("0.0.0.0/0"), 1, [IP]));
    assert.ok(permits(acl("127.0.0.0/8"), 1, [{ scheme: "ip", id: "127.200.3.4" }]));
    assert.ok(!permits(acl("10.0.0.0/8"), 1, [IP]));
    assert.ok(!permits(acl("127.0.0.2"), 1, [IP]));
    assert.ok(permits(acl("192.168.1.128/25"), 1, [{ scheme: "ip", id: "192.168.1.200" }]));
    assert.ok(!permits(acl("192.168.1.128/25"), 1, [{ scheme: "ip", id: "192.168.1.100" }]));
    for (const bad of ["not-an-ip", "1.2.3", "1.2.3.256", "1.2.3.4/33", "1.2.3.4/x", ""]) {
      assert.equal(codeOf(() => fixupAcl(acl(bad), [WORLD], "/p")), Err.InvalidACL, bad);
    }
    assert.equal(codeOf(() => fixupAcl(acl("10.1.0.0/16"), [WORLD], "/p")), 0);
  });

  test("every id is validated by its scheme: world must be anyone, digest user:hash, unknown schemes refused", () => {
    const one = (scheme: string, id: string): Acl[] => [{ perms: 31, id: { scheme, id } }];
    assert.equal(codeOf(() => fixupAcl(one("world", "everyone"), [WORLD], "/p")), Err.InvalidACL);
    assert.equal(codeOf(() => fixupAcl(one("digest", "nohash"), [WORLD], "/p")), Err.InvalidACL);
    assert.equal(codeOf(() => fixupAcl(one("digest", "a:b:c"), [WORLD], "/p")), Err.InvalidACL);
    assert.equal(codeOf(() => fixupAcl(one("super", ""), [WORLD], "/p")), Err.InvalidACL);
    assert.equal(codeOf(() => fixupAcl(one("x509", "CN=x"), [WORLD], "/p")), Err.InvalidACL);
    assert.equal(codeOf(() => fixupAcl([], [WORLD], "/p")), Err.InvalidACL);
    // ZooKeeper does not check perms: 0 (nobody may do anything) is a legal ACL.
    assert.equal(codeOf(() => fixupAcl([{ perms: 0, id: WORLD }], [WORLD], "/p")), 0);
  });

  test("duplicate entries are removed", () => {
    const d = { perms: 31, id: ME };
    assert.deepEqual(fixupAcl([d, { ...d }, { perms: 1, id: WORLD }, { perms: 1, id: WORLD }], [WORLD], "/p"), [d, { perms: 1, id: WORLD }]);
  });

  test("the ACL is validated before the permission check, as ZooKeeper orders them", () => {
    const h = harness();
    assert.equal(h.send(create("/locked", [{ perms: 31, id: ME }]), [WORLD, IP, ME]), 0);
    const bad: Acl[] = [{ perms: 31, id: { scheme: "ip", id: "not-an-ip" } }];
    // No CREATE on /locked and a bad ACL: ZooKeeper answers InvalidACL, not NoAuth.
    assert.equal(h.send(create("/locked/x", bad)), Err.InvalidACL);
    assert.equal(h.send({ op: "setACL", path: "/locked", acl: bad, version: -1 }), Err.InvalidACL);
    // Bad ACL on a missing node: InvalidACL before NoNode.
    assert.equal(h.send({ op: "setACL", path: "/missing", acl: bad, version: -1 }), Err.InvalidACL);
    assert.equal(h.send(create("/missing/x", bad)), Err.InvalidACL);
    assert.equal(h.send(create("/locked/x", OPEN)), Err.NoAuth);
    // delete checks the parent's DELETE permission before looking for the node.
    assert.equal(h.send({ op: "delete", path: "/locked/missing", version: -1 }), Err.NoAuth);
    assert.equal(h.send({ op: "delete", path: "/missing", version: -1 }), Err.NoNode);
  });

  test("superDigest: the superuser passes every check; a wrong password is an ordinary digest id", () => {
    const superDigest = digestId("super:secret");
    const ids = authenticate("digest", Buffer.from("super:secret"), { remoteAddress: "127.0.0.1", superDigest });
    assert.deepEqual(ids, [{ scheme: "super", id: "" }, { scheme: "digest", id: superDigest }]);
    const wrong = authenticate("digest", Buffer.from("super:guess"), { remoteAddress: "127.0.0.1", superDigest });
    assert.deepEqual(wrong, [{ scheme: "digest", id: digestId("super:guess") }]);
    assert.deepEqual(authenticate("digest", Buffer.from("super:secret"), { remoteAddress: "127.0.0.1" }), [{ scheme: "digest", id: superDigest }], "no superDigest, no superuser");
    const h = harness();
    assert.equal(h.send(create("/mine", [{ perms: 31, id: ME }]), [WORLD, IP, ME]), 0);
    assert.equal(h.send({ op: "setACL", path: "/mine", acl: OPEN, version: -1 }, [WORLD, IP, ...wrong!]), Err.NoAuth);
    assert.equal(h.send({ op: "setACL", path: "/mine", acl: OPEN, version: -1 }, [WORLD, IP, ...ids!]), 0);
    assert.equal(authenticate("nosuch", Buffer.from("x"), { remoteAddress: "127.0.0.1" }), null);
  });
});
