// ZooKeeper wire constants and record codecs (reference/brokers.md section 2).
// Src: apache/zookeeper zookeeper.jute, ZooDefs.OpCode, KeeperException.Code, Watcher.Event.
import { JuteError, JuteReader, JuteWriter } from "./jute";

export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;

export const Err = {
  Ok: 0,
  SystemError: -1,
  RuntimeInconsistency: -2,
  MarshallingError: -5,
  Unimplemented: -6,
  BadArguments: -8,
  APIError: -100,
  NoNode: -101,
  NoAuth: -102,
  BadVersion: -103,
  NoChildrenForEphemerals: -108,
  NodeExists: -110,
  NotEmpty: -111,
  SessionExpired: -112,
  InvalidACL: -114,
  AuthFailed: -115,
  NoWatcher: -121,
  ReconfigDisabled: -123,
} as const;

export const EventType = { None: -1, NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;
export const KeeperState = { SyncConnected: 3 } as const;

export const Xid = { notification: -1, ping: -2, auth: -4, setWatches: -8 } as const;

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

/** CreateMode flags (section 1.(a)4). */
export const CreateFlags = { PERSISTENT: 0, EPHEMERAL: 1, PERSISTENT_SEQUENTIAL: 2, EPHEMERAL_SEQUENTIAL: 3, CONTAINER: 4, PERSISTENT_WITH_TTL: 5, PERSISTENT_SEQUENTIAL_WITH_TTL: 6 } as const;

/** ZooKeeper marks containers with this ephemeralOwner (EphemeralType.CONTAINER_EPHEMERAL_OWNER = Long.MIN_VALUE). */
export const CONTAINER_OWNER = -(2n ** 63n);

/** A failure carrying a ZooKeeper error code, thrown by request validation. */
export class KeeperError extends Error {
  override name = "KeeperError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Id {
  scheme: string;
  id: string;
}
export interface Acl {
  perms: number;
  id: Id;
}
export const OPEN_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.ALL, id: { scheme: "world", id: "anyone" } }];

export interface Stat {
  czxid: number;
  mzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: number;
}

export function writeStat(w: JuteWriter, s: Stat): void {
  w.longNumber(s.czxid).longNumber(s.mzxid).longNumber(s.ctime).longNumber(s.mtime);
  w.int(s.version).int(s.cversion).int(s.aversion).long(s.ephemeralOwner);
  w.int(s.dataLength).int(s.numChildren).longNumber(s.pzxid);
}

export function readStat(r: JuteReader): Stat {
  return {
    czxid: r.longNumber(),
    mzxid: r.longNumber(),
    ctime: r.longNumber(),
    mtime: r.longNumber(),
    version: r.int(),
    cversion: r.int(),
    aversion: r.int(),
    ephemeralOwner: r.long(),
    dataLength: r.int(),
    numChildren: r.int(),
    pzxid: r.longNumber(),
  };
}

export function writeAcl(w: JuteWriter, a: Acl): void {
  w.int(a.perms).ustring(a.id.scheme).ustring(a.id.id);
}

/**
 * Null strings are legal here: kazoo's CREATOR_ALL_ACL is Id("auth", null). They read as "",
 * which fixupAcl treats as ZooKeeper treats null (ignored for `auth`, invalid elsewhere).
 */
export function readAcl(r: JuteReader): Acl {
  return { perms: r.int(), id: { scheme: r.ustring() ?? "", id: r.ustring() ?? "" } };
}

// ---------------------------------------------------------------- connect

export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
  /** Old clients (node-zookeeper-client) omit the trailing readOnly byte; echo their format. */
  hasReadOnlyField: boolean;
}

export function decodeConnectRequest(body: Buffer): ConnectRequest {
  const r = new JuteReader(body);
  const protocolVersion = r.int();
  const lastZxidSeen = r.longNumber();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = r.buffer() ?? Buffer.alloc(0);
  const hasReadOnlyField = r.remaining() >= 1;
  const readOnly = hasReadOnlyField ? r.bool() : false;
  return { protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly, hasReadOnlyField };
}

export interface ConnectResponse {
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  withReadOnly: boolean;
}

export function encodeConnectResponse(c: ConnectResponse): Buffer {
  const w = new JuteWriter(64);
  w.int(0).int(c.timeOut).long(c.sessionId).buffer(c.passwd);
  if (c.withReadOnly) w.bool(false);
  return w.toFrame();
}

// ---------------------------------------------------------------- requests

export interface CreateOp {
  op: "create";
  type: number; // create, create2, createContainer or createTTL: decides the response shape
  path: string;
  /** null when the client sent a null buffer (length -1); ZooKeeper keeps that distinct from empty. */
  data: Buffer | null;
  acl: Acl[];
  flags: number;
  /** CreateTTLRequest's ttl in ms; absent (-1) for the other create opcodes. */
  ttl?: number;
}
export interface DeleteOp {
  op: "delete";
  path: string;
  version: number;
}
export interface SetDataOp {
  op: "setData";
  path: string;
  data: Buffer | null;
  version: number;
}
export interface CheckOp {
  op: "check";
  path: string;
  version: number;
}
export type MultiOp = CreateOp | DeleteOp | SetDataOp | CheckOp;

export type ClientRequest =
  | MultiOp
  | { op: "exists" | "getData" | "getChildren" | "getChildren2"; path: string; watch: boolean }
  | { op: "getACL"; path: string }
  | { op: "setACL"; path: string; acl: Acl[]; version: number }
  | { op: "sync"; path: string }
  | { op: "multi"; ops: MultiOp[] }
  | { op: "multiRead"; ops: { type: number; path: string }[] }
  | { op: "closeSession" }
  | { op: "setWatches"; relativeZxid: number; data: string[]; exist: string[]; child: string[]; persistent: string[]; recursive: string[] }
  | { op: "addWatch"; path: string; mode: number }
  | { op: "checkWatches" | "removeWatches"; path: string; type: number }
  | { op: "getEphemerals"; prefix: string }
  | { op: "getAllChildrenNumber"; path: string }
  | { op: "whoAmI" }
  | { op: "reconfig" }
  | { op: "unsupported"; type: number };

function readCreate(r: JuteReader, type: number): CreateOp {
  const path = r.string();
  // Null stays null: a real server stores it and getData answers with length -1.
  const data = r.buffer();
  const acl = r.vector(readAcl) ?? [];
  const flags = r.int();
  if (type !== OpCode.createTTL) return { op: "create", type, path, data, acl, flags };
  return { op: "create", type, path, data, acl, flags, ttl: Number(r.long()) };
}

function readMultiOp(r: JuteReader, type: number): MultiOp {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return readCreate(r, type);
    case OpCode.delete:
      return { op: "delete", path: r.string(), version: r.int() };
    case OpCode.setData:
      return { op: "setData", path: r.string(), data: r.buffer(), version: r.int() };
    case OpCode.check:
      return { op: "check", path: r.string(), version: r.int() };
    default:
      throw new JuteError(`op type ${type} is not allowed in multi`);
  }
}

/** Decodes a request body. Known but unsupported opcodes decode to {op:"unsupported"}; unknown ones throw. */
export function decodeRequest(type: number, r: JuteReader): ClientRequest {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
    case OpCode.delete:
    case OpCode.setData:
    case OpCode.check:
      return readMultiOp(r, type);
    case OpCode.exists:
      return { op: "exists", path: r.string(), watch: r.bool() };
    case OpCode.getData:
      return { op: "getData", path: r.string(), watch: r.bool() };
    case OpCode.getChildren:
      return { op: "getChildren", path: r.string(), watch: r.bool() };
    case OpCode.getChildren2:
      return { op: "getChildren2", path: r.string(), watch: r.bool() };
    case OpCode.getACL:
      return { op: "getACL", path: r.string() };
    case OpCode.setACL:
      return { op: "setACL", path: r.string(), acl: r.vector(readAcl) ?? [], version: r.int() };
    case OpCode.sync:
      return { op: "sync", path: r.string() };
    case OpCode.multi:
    case OpCode.multiRead: {
      const ops: MultiOp[] = [];
      const reads: { type: number; path: string }[] = [];
      for (;;) {
        const t = r.int();
        const done = r.bool();
        r.int(); // err, always -1 in requests
        if (done) break;
        if (type === OpCode.multiRead) {
          if (t !== OpCode.getData && t !== OpCode.getChildren) throw new JuteError(`op type ${t} not allowed in multiRead`);
          reads.push({ type: t, path: r.string() });
          if (t === OpCode.getData || t === OpCode.getChildren) r.bool();
        } else {
          ops.push(readMultiOp(r, t));
        }
      }
      return type === OpCode.multi ? { op: "multi", ops } : { op: "multiRead", ops: reads };
    }
    case OpCode.closeSession:
      return { op: "closeSession" };
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const relativeZxid = r.longNumber();
      const str = (x: JuteReader): string => x.string();
      const data = r.vector(str) ?? [];
      const exist = r.vector(str) ?? [];
      const child = r.vector(str) ?? [];
      // SetWatches2 adds the persistent and persistent-recursive watches (addWatch) to re-arm.
      const persistent = type === OpCode.setWatches2 ? (r.vector(str) ?? []) : [];
      const recursive = type === OpCode.setWatches2 ? (r.vector(str) ?? []) : [];
      return { op: "setWatches", relativeZxid, data, exist, child, persistent, recursive };
    }
    case OpCode.addWatch:
      return { op: "addWatch", path: r.string(), mode: r.int() };
    case OpCode.checkWatches:
      return { op: "checkWatches", path: r.string(), type: r.int() };
    case OpCode.removeWatches: {
      return { op: "removeWatches", path: r.string(), type: r.int() };
    }
    case OpCode.getEphemerals:
      return { op: "getEphemerals", prefix: r.string() };
    case OpCode.getAllChildrenNumber:
      return { op: "getAllChildrenNumber", path: r.string() };
    case OpCode.whoAmI:
      return { op: "whoAmI" };
    case OpCode.reconfig:
      // A standalone server (reconfigEnabled=false) refuses before reading the request.
      return { op: "reconfig" };
    case OpCode.sasl:
      return { op: "unsupported", type };
    default:
      throw new JuteError(`unknown opcode ${type}`);
  }
}

// ---------------------------------------------------------------- replies

/** ReplyHeader + optional body as one frame. If err != 0 there is no body (section 2.2). */
export function encodeReply(xid: number, zxid: number, err: number, body?: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter(body ? 256 : 16);
  w.int(xid).longNumber(zxid).int(err);
  if (err === 0 && body) body(w);
  return w.toFrame();
}

export function encodeNotification(type: number, path: string, zxid: number): Buffer {
  return encodeReply(Xid.notification, zxid, 0, (w) => {
    w.int(type).int(KeeperState.SyncConnected).ustring(path);
  });
}

/** Four-letter tag of an opcode, as `cons` prints in lop= (FinalRequestProcessor). */
export function opTag(type: number): string {
  switch (type) {
    case OpCode.ping: return "PING";
    case OpCode.createSession: return "SESS";
    case OpCode.create: case OpCode.create2: case OpCode.createContainer: case OpCode.createTTL: return "CREA";
    case OpCode.delete: return "DELE";
    case OpCode.exists: return "EXIS";
    case OpCode.getData: return "GETD";
    case OpCode.setData: return "SETD";
    case OpCode.getChildren: case OpCode.getChildren2: return "GETC";
    case OpCode.getACL: return "GETA";
    case OpCode.setACL: return "SETA";
    case OpCode.sync: return "SYNC";
    case OpCode.multi: return "MULT";
    case OpCode.multiRead: return "MLTR";
    case OpCode.check: return "CHEC";
    case OpCode.setWatches: return "SETW";
    case OpCode.setWatches2: return "STW2";
    case OpCode.getEphemerals: return "GETE";
    case OpCode.whoAmI: return "HOMI";
    case OpCode.reconfig: return "RCFG";
    case OpCode.addWatch: return "ADDW";
    case OpCode.checkWatches: return "CHKW";
    case OpCode.removeWatches: return "REMW";
    case OpCode.closeSession: return "CLOS";
    default: return "NA";
  }
}
