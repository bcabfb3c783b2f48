// Validation of write requests into txns: the heart of the prepare stage
// (ZooKeeper's PrepRequestProcessor.pRequest2Txn). Checks run against the prepared tree, which
// already reflects every earlier write still on its way to disk, so a request queued behind a
// pending create sees that create.
import { checkPerm, fixupAcl } from "./acl";
import { DataTree, isSessionOwner, parentOf, TTL_MAX, ttlOwner } from "./DataTree";
import { CONTAINER_OWNER, CreateFlags, Err, KeeperError, OpCode, Perms, type Id, type MultiOp } from "./protocol";
import type { TxnOp } from "./txn";

export interface PrepContext {
  sessionId: bigint;
  ids: readonly Id[];
  /** ZooKeeper's zookeeper.extendedTypesEnabled: TTL nodes are offered only when it is on. */
  extendedTypes?: boolean;
}

/** Section 1.(a)2: absolute, no trailing slash, no empty/./.. components, no control chars. */
export function validatePath(path: string, sequential = false): void {
  const bad = (why: string): never => {
    throw new KeeperError(Err.BadArguments, `invalid path ${JSON.stringify(path)}: ${why}`);
  };
  if (path.length === 0) bad("empty");
  if (path[0] !== "/") bad("must start with /");
  if (path.length === 1) return;
  if (path.endsWith("/") && !sequential) bad("must not end with /");
  const parts = path.slice(1).split("/");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const last = i === parts.length - 1;
    if (p === "" && !(last && sequential)) bad("empty component");
    if (p === "." || p === "..") bad("relative component");
  }
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0 || (c > 0 && c < 0x20) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) {
      bad(`invalid character at ${i}`);
    }
  }
}

function expectVersion(path: string, expected: number, actual: number): void {
  if (expected !== -1 && expected !== actual) {
    throw new KeeperError(Err.BadVersion, `version mismatch on ${path}: expected ${expected}, is ${actual}`);
  }
}

function mustNode(tree: DataTree, path: string): NonNullable<ReturnType<DataTree["getNode"]>> {
  const n = tree.getNode(path);
  if (!n) throw new KeeperError(Err.NoNode, `no node ${path}`);
  return n;
}

/** Validates one op against `tree` and returns the txn that performs it. Throws KeeperError. */
export function prepareOp(tree: DataTree, op: MultiOp, ctx: PrepContext): TxnOp {
  switch (op.op) {
    case "create": {
      // PrepRequestProcessor.pRequest2TxnCreate's order: mode, path shape, ACL, parent,
      // CREATE permission, sequential name, full path check, existence, ephemeral parent.
      const flags = op.flags;
      if (flags < 0 || flags > CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL) throw new KeeperError(Err.BadArguments, `invalid create flags ${flags}`);
      const ttlMode = flags === CreateFlags.PERSISTENT_WITH_TTL || flags === CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL;
      // validateCreateRequest: TTL modes need extendedTypesEnabled, then EphemeralType.validateTTL.
      if (ttlMode && !ctx.extendedTypes) throw new KeeperError(Err.Unimplemented, "TTL nodes need extendedTypesEnabled");
      const ttl = op.ttl ?? -1;
      if (ttlMode ? ttl <= 0 || ttl > Number(TTL_MAX) : ttl >= 0) {
        throw new KeeperError(Err.BadArguments, `invalid ttl ${ttl} for create mode ${flags}`);
      }
      const container = flags === CreateFlags.CONTAINER || op.type === OpCode.createContainer;
      const sequential = flags === CreateFlags.PERSISTENT_SEQUENTIAL || flags === CreateFlags.EPHEMERAL_SEQUENTIAL || flags === CreateFlags.PERSISTENT_SEQUENTIAL_WITH_TTL;
      const ephemeral = flags === CreateFlags.EPHEMERAL || flags === CreateFlags.EPHEMERAL_SEQUENTIAL;
      if (!op.path.includes("/") || op.path.includes("\0")) throw new KeeperError(Err.BadArguments, `invalid path ${JSON.stringify(op.path)}`);
      const acl = fixupAcl(op.acl, ctx.ids, op.path);
      const parentPath = parentOf(op.path);
      const parent = tree.getNode(parentPath);
      if (!parent) throw new KeeperError(Err.NoNode, `parent ${parentPath} does not exist`);
      checkPerm(parent.acl, Perms.CREATE, ctx.ids, parentPath);
      // Section 1.(a)3: name = requested path + parent's cversion before this create, %010d.
      const path = sequential ? op.path + String(parent.cversion).padStart(10, "0") : op.path;
      validatePath(path);
      if (tree.getNode(path)) throw new KeeperError(Err.NodeExists, `node ${path} exists`);
      if (isSessionOwner(parent.ephemeralOwner)) {
        throw new KeeperError(Err.NoChildrenForEphemerals, `parent ${parentPath} is ephemeral`);
      }
      const owner = container ? CONTAINER_OWNER : ttlMode ? ttlOwner(BigInt(ttl)) : ephemeral ? ctx.sessionId : 0n;
      return { type: "create", path, data: op.data, acl, ephemeralOwner: owner };
    }
    case "delete": {
      validatePath(op.path);
      if (DataTree.isSpecialPath(op.path)) throw new KeeperError(Err.BadArguments, `cannot delete ${op.path}`);
      // ZooKeeper checks DELETE on the parent before it looks the node up: NoAuth before NoNode.
      const parentPath = parentOf(op.path);
      checkPerm(mustNode(tree, parentPath).acl, Perms.DELETE, ctx.ids, parentPath);
      const node = mustNode(tree, op.path);
      expectVersion(op.path, op.version, node.version);
      if (node.children.size > 0) throw new KeeperError(Err.NotEmpty, `node ${op.path} has children`);
      return { type: "delete", path: op.path };
    }
    case "setData": {
      validatePath(op.path);
      const node = mustNode(tree, op.path);
      checkPerm(node.acl, Perms.WRITE, ctx.ids, op.path);
      expectVersion(op.path, op.version, node.version);
      return { type: "setData", path: op.path, data: op.data, version: node.version + 1 };
    }
    case "check": {
      validatePath(op.path);
      const node = mustNode(tree, op.path);
      checkPerm(node.acl, Perms.READ, ctx.ids, op.path);
      expectVersion(op.path, op.version, node.version);
      return { type: "check", path: op.path };
    }
  }
}

export function prepareSetAcl(tree: DataTree, path: string, acl: Parameters<typeof fixupAcl>[0], version: number, ctx: PrepContext): TxnOp {
  validatePath(path);
  const fixed = fixupAcl(acl, ctx.ids, path); // before the node lookup and ADMIN check, as ZooKeeper does
  const node = mustNode(tree, path);
  checkPerm(node.acl, Perms.ADMIN, ctx.ids, path);
  expectVersion(path, version, node.aversion);
  return { type: "setACL", path, acl: fixed, version: node.aversion + 1 };
}
