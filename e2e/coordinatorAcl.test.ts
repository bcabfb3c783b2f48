// ZooKeeper's ACL semantics, exactly, as kazoo (python3-kazoo) sees them against
// `tandem coordinator`: the `auth` scheme, null ids, ip/CIDR ids, duplicate entries, the order of
// ACL validation and permission checks, and the superDigest superuser.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { digestId } from "../server/runtime/coordinator/acl";
import { python, startCoordinator, tempDir, type CoordinatorProcess } from "./coordinatorHarness";

const PRELUDE = `
import sys, json
from kazoo.client import KazooClient
from kazoo.exceptions import *
from kazoo.security import ACL, Id, OPEN_ACL_UNSAFE, make_digest_acl_credential
port = sys.argv[1]
def client(**kw):
    # No retries: a connection the server drops must show as an error, not be papered over.
    zk = KazooClient(hosts="127.0.0.1:" + port, connection_retry={"max_tries": 0}, command_retry={"max_tries": 0}, **kw)
    zk.start(timeout=10)
    return zk
def outcome(f):
    try:
        r = f()
        return "ok" if not isinstance(r, (str, int, list)) else r
    except Exception as e:
        return type(e).__name__
`;

describe("coordinator ACLs with kazoo", () => {
  let coord: CoordinatorProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    dir = await tempDir();
    coord = await startCoordinator(dir.path, ["--super-digest", digestId("super:s3cret")]);
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

  test("an `auth` ACL admits only the authenticated creator, not another client on the same address", async () => {
    const out = await py(`
owner = client(auth_data=[("digest", "alice:pw")])
owner.create("/sec", b"secret", acl=[ACL(31, Id("auth", ""))])
acl = [[a.perms, a.id.scheme, a.id.id] for a in owner.get_acls("/sec")[0]]
stranger = client()
res = {"acl": acl,
  "get": outcome(lambda: stranger.get("/sec")[0].decode()),
  "set": outcome(lambda: stranger.set("/sec", b"pwned")),
  "child": outcome(lambda: stranger.create("/sec/x")),
  "ownerGet": outcome(lambda: owner.get("/sec")[0].decode()),
  "unauthCreate": outcome(lambda: stranger.create("/mine", acl=[ACL(31, Id("auth", ""))])),
  "ipAuth": outcome(lambda: (stranger.add_auth("ip", ""), stranger.create("/mine", acl=[ACL(31, Id("auth", ""))]))[1])}
print(json.dumps(res))
owner.stop(); stranger.stop()
`);
    const alice = digestId("alice:pw");
    assert.deepEqual(out.acl, [[31, "digest", alice]], "auth expands to the digest id alone (no ip id)");
    assert.equal(out.get, "NoAuthError");
    assert.equal(out.set, "NoAuthError");
    assert.equal(out.child, "NoAuthError");
    assert.equal(out.ownerGet, "secret");
    assert.equal(out.unauthCreate, "InvalidACLError", "no authenticated id: InvalidACL, as ZooKeeper");
    assert.equal(out.ipAuth, "InvalidACLError", "an ip id is not an authenticated id");
  });

  test("getACL without ADMIN shows digest ids as user:x, as ZooKeeper does", async () => {
    const out = await py(`
owner = client(auth_data=[("digest", "erin:pw")])
owner.create("/shown", acl=[ACL(1, Id("world", "anyone")), ACL(31, Id("auth", ""))])
reader = client()
ids = lambda zk: [[a.perms, a.id.scheme, a.id.id] for a in zk.get_acls("/shown")[0]]
print(json.dumps({"reader": ids(reader), "owner": ids(owner)}))
owner.stop(); reader.stop()
`);
    assert.deepEqual(out.reader, [[1, "world", "anyone"], [31, "digest", "erin:x"]]);
    assert.deepEqual(out.owner, [[1, "world", "anyone"], [31, "digest", digestId("erin:pw")]]);
  });

  test("a null id string (Id('auth', None)) is accepted, not a malformed packet", async () => {
    const out = await py(`
a = client(auth_data=[("digest", "bob:pw")])
r1 = outcome(lambda: a.create("/nul", acl=[ACL(31, Id("auth", None))]))
r2 = outcome(lambda: a.create("/nul2", acl=[ACL(31, Id("world", None))]))
acl = [[x.perms, x.id.scheme, x.id.id] for x in a.get_acls("/nul")[0]]
print(json.dumps({"r1": r1, "r2": r2, "acl": acl, "connected": a.connected, "still": outcome(lambda: a.exists("/nul") is not None and "there")}))
a.stop()
`);
    assert.equal(out.r1, "/nul");
    assert.equal(out.r2, "InvalidACLError");
    assert.deepEqual(out.acl, [[31, "digest", digestId("bob:pw")]]);
    assert.equal(out.connected, true);
    assert.equal(out.still, "there");
  });

  test("ip ids: CIDR ranges match, invalid addresses are InvalidACL, duplicates are dropped", async () => {
    const out = await py(`
a = client()
res = {
  "cidr": outcome(lambda: a.create("/ip8", b"x", acl=[ACL(1, Id("ip", "127.0.0.0/8"))])),
  "cidrRead": outcome(lambda: a.get("/ip8")[0].decode()),
  "cidrWrite": outcome(lambda: a.set("/ip8", b"y")),
  "other": outcome(lambda: a.create("/ip10", b"x", acl=[ACL(31, Id("ip", "10.0.0.0/8"))])),
  "otherRead": outcome(lambda: a.get("/ip10")[0].decode()),
  "bad": outcome(lambda: a.create("/ipbad", acl=[ACL(31, Id("ip", "not-an-ip"))])),
  "badBits": outcome(lambda: a.create("/ipbad", acl=[ACL(31, Id("ip", "127.0.0.1/33"))])),
  "badDigest": outcome(lambda: a.create("/dbad", acl=[ACL(31, Id("digest", "nohash"))])),
  "badWorld": outcome(lambda: a.create("/wbad", acl=[ACL(31, Id("world", "everyone"))])),
  "badScheme": outcome(lambda: a.create("/sbad", acl=[ACL(31, Id("nosuch", "x"))])),
}
a.create("/dup", acl=[ACL(31, Id("world", "anyone")), ACL(31, Id("world", "anyone")), ACL(1, Id("ip", "127.0.0.1")), ACL(1, Id("ip", "127.0.0.1"))])
res["dup"] = [[x.perms, x.id.scheme, x.id.id] for x in a.get_acls("/dup")[0]]
print(json.dumps(res))
a.stop()
`);
    assert.equal(out.cidr, "/ip8");
    assert.equal(out.cidrRead, "x");
    assert.equal(out.cidrWrite, "NoAuthError");
    assert.equal(out.other, "/ip10");
    assert.equal(out.otherRead, "NoAuthError");
    for (const k of ["bad", "badBits", "badDigest", "badWorld", "badScheme"]) assert.equal(out[k], "InvalidACLError", k);
    assert.deepEqual(out.dup, [[31, "world", "anyone"], [1, "ip", "127.0.0.1"]]);
  });

  test("the ACL is validated before the permission check (InvalidACL, not NoAuth or NoNode)", async () => {
    const out = await py(`
a = client(auth_data=[("digest", "carol:pw")])
a.create("/closed", acl=[ACL(31, Id("auth", ""))])
b = client()
bad = [ACL(31, Id("ip", "not-an-ip"))]
print(json.dumps({
  "createUnder": outcome(lambda: b.create("/closed/x", acl=bad)),
  "setAcl": outcome(lambda: b.set_acls("/closed", bad)),
  "missing": outcome(lambda: b.set_acls("/nothere", bad)),
  "goodAclNoPerm": outcome(lambda: b.create("/closed/x")),
}))
a.stop(); b.stop()
`);
    assert.equal(out.createUnder, "InvalidACLError");
    assert.equal(out.setAcl, "InvalidACLError");
    assert.equal(out.missing, "InvalidACLError");
    assert.equal(out.goodAclNoPerm, "NoAuthError");
  });

  test("the superDigest superuser repairs an ACL nobody else may touch; a wrong password does not", async () => {
    const out = await py(`
a = client(auth_data=[("digest", "dave:pw")])
a.create("/locked", b"l", acl=[ACL(31, Id("auth", ""))])
a.stop()
guess = client(auth_data=[("digest", "super:guess")])
su = client(auth_data=[("digest", "super:s3cret")])
print(json.dumps({
  "guess": outcome(lambda: guess.set_acls("/locked", OPEN_ACL_UNSAFE)),
  "suRead": outcome(lambda: su.get("/locked")[0].decode()),
  "suFix": outcome(lambda: su.set_acls("/locked", OPEN_ACL_UNSAFE)),
  "anyoneAfter": outcome(lambda: guess.get("/locked")[0].decode()),
}))
guess.stop(); su.stop()
`);
    assert.equal(out.guess, "NoAuthError");
    assert.equal(out.suRead, "l");
    assert.equal(out.suFix, "ok");
    assert.equal(out.anyoneAfter, "l");
  });
});

describe("coordinator superDigest option", () => {
  test("a malformed --super-digest is refused at start", async () => {
    const dir = await tempDir();
    try {
      const started = startCoordinator(dir.path, ["--super-digest", "super:plaintext-password"]);
      // Should it start after all, stop it so the failure does not leave a process behind.
      started.then((c) => c.stop(), () => undefined).catch(() => undefined);
      await assert.rejects(started, /superDigest must be user:base64/);
    } finally {
      await dir.remove();
    }
  });
});
