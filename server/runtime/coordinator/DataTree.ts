// The znode tree and the durable session table, changed only by applying txns.
// Src: apache/zookeeper server/DataTree.java. Invariants: every node's parent exists; stats
// follow section 1.(a)6 (version per setData, cversion per child create *and* delete, aversion
// per setACL, pzxid = zxid of the last child change); ephemerals are indexed by owner so a
// closing session can drop them in one txn.
//
// The prepare stage applies txns to its own copy of the tree to validate the requests queued
// behind them (ZooKeeper's outstandingChanges, generalised), and rolls a failed multi back with
// the undo log. The committed copy never needs undo.
import { JuteError, JuteReader, JuteWriter } from "./jute";
import { CONTAINER_OWNER, EventType, KeeperError, Err, readAcl, writeAcl, type Acl, type Stat } from "./protocol";
import { copyOrNull, type Txn, type TxnOp } from "./txn";

export interface ZNode {
  /** null when created/set with null data: getData must answer null, not an empty buffer. */
  data: Buffer | null;
  acl: Acl[];
  czxid: number;
  mzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: number;
  children: Set<string>;
}

/** A watch trigger produced by applying a txn (DataTree.createNode/deleteNode/setData). */
export interface WatchTrigger {
  type: number;
  path: string;
}

export interface OpResult {
  path: string;
  stat?: Stat;
}

export interface ApplyResult {
  results: OpResult[];
  triggers: WatchTrigger[];
}

const SNAPSHOT_MAGIC = 0x545a534e; // "TZSN"
const SYSTEM_PATHS = ["/zookeeper", "/zookeeper/quota", "/zookeeper/config"];

export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function childName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function newNode(data: Buffer | null, acl: Acl[], zxid: number, time: number, owner: bigint): ZNode {
  return {
    data, acl, czxid: zxid, mzxid: zxid, ctime: time, mtime: time,
    version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner, pzxid: zxid, children: new Set(),
  };
}

export class DataTree {
  private readonly nodes = new Map<string, ZNode>();
  private readonly ephemerals = new Map<bigint, Set<string>>();
  private readonly containers = new Set<string>();
  /** Durable session table: sessionId → negotiated timeout (ms). */
  readonly sessions = new Map<bigint, number>();
  lastZxid = 0;
  private undoLog: (() => void)[] | null = null;

  constructor() {
    const root = newNode(Buffer.alloc(0), [{ perms: 31, id: { scheme: "world", id: "anyone" } }], 0, 0, 0n);
    this.nodes.set("/", root);
    for (const p of SYSTEM_PATHS) {
      // ZooKeeper makes /zookeeper/config read-only for everyone (READ_ACL_UNSAFE).
      const perms = p === "/zookeeper/config" ? 1 : 31;
      const n = newNode(Buffer.alloc(0), [{ perms, id: { scheme: "world", id: "anyone" } }], 0, 0, 0n);
      this.nodes.set(p, n);
      this.nodes.get(parentOf(p))!.children.add(childName(p));
    }
  }

  /** DataTree.isSpecialPath: the nodes no client may delete (anything below them is fair game). */
  static isSpecialPath(path: string): boolean {
    return path === "/" || SYSTEM_PATHS.includes(path);
  }

  getNode(path: string): ZNode | undefined {
    return this.nodes.get(path);
  }

  nodeCount(): number {
    return this.nodes.size;
  }

  approximateDataSize(): number {
    let n = 0;
    for (const [p, node] of this.nodes) n += p.length + (node.data?.length ?? 0);
    return n;
  }

  ephemeralsOf(sessionId: bigint): readonly string[] {
    return [...(this.ephemerals.get(sessionId) ?? [])];
  }

  ephemeralCount(): number {
    let n = 0;
    for (const s of this.ephemerals.values()) n += s.size;
    return n;
  }

  /** Containers that once had children and have none now: candidates for deletion (ContainerManager). */
  emptyContainers(): string[] {
    const out: string[] = [];
    for (const p of this.containers) {
      const n = this.nodes.get(p);
      if (n && n.children.size === 0 && n.cversion > 0) out.push(p);
    }
    return out;
  }

  countDescendants(path: string): number {
    const n = this.nodes.get(path);
    if (!n) return 0;
    let count = 0;
    const stack = [path];
    while (stack.length) {
      const p = stack.pop()!;
      for (const c of this.nodes.get(p)!.children) {
        count++;
        stack.push(p === "/" ? `/${c}` : `${p}/${c}`);
      }
    }
    return count;
  }

  statOf(node: ZNode): Stat {
    return {
      czxid: node.czxid, mzxid: node.mzxid, ctime: node.ctime, mtime: node.mtime,
      version: node.version, cversion: node.cversion, aversion: node.aversion,
      ephemeralOwner: node.ephemeralOwner, dataLength: node.data?.length ?? 0, // ZooKeeper reports 0 for null data too
      numChildren: node.children.size, pzxid: node.pzxid,
    };
  }

  // ------------------------------------------------------------ undo (prepare stage only)

  beginUndo(): void {
    if (this.undoLog) throw new Error("DataTree: nested undo scopes are not supported");
    this.undoLog = [];
  }

  commitUndo(): void {
    this.undoLog = null;
  }

  rollback(): void {
    const log = this.undoLog;
    this.undoLog = null;
    if (!log) return;
    for (let i = log.length - 1; i >= 0; i--) log[i]();
  }

  private record(undo: () => void): void {
    this.undoLog?.push(undo);
  }

  private saveFields(node: ZNode): void {
    if (!this.undoLog) return;
    const copy = { ...node };
    this.record(() => {
      const children = node.children;
      Object.assign(node, copy);
      node.children = children;
    });
  }

  // ------------------------------------------------------------ apply

  /**
   * Applies one validated txn. A txn that does not fit the tree is an invariant breach
   * (the prepare stage checked it against an identical tree), so it throws.
   */
  apply(txn: Txn): ApplyResult {
    const out: ApplyResult = { results: [], triggers: [] };
    this.applyOp(txn, txn.op, out);
    if (txn.zxid > this.lastZxid) {
      const prev = this.lastZxid;
      this.record(() => {
        this.lastZxid = prev;
      });
      this.lastZxid = txn.zxid;
    }
    return out;
  }

  private applyOp(txn: Txn, op: TxnOp, out: ApplyResult): void {
    switch (op.type) {
      case "create":
        out.results.push({ path: op.path, stat: this.createNode(op.path, op.data, op.acl, op.ephemeralOwner, txn.zxid, txn.time, out) });
        return;
      case "delete":
        this.deleteNode(op.path, txn.zxid, out);
        out.results.push({ path: op.path });
        return;
      case "setData": {
        const n = this.mustGet(op.path);
        this.saveFields(n);
        n.data = op.data;
        n.version = op.version;
        n.mzxid = txn.zxid;
        n.mtime = txn.time;
        out.triggers.push({ type: EventType.NodeDataChanged, path: op.path });
        out.results.push({ path: op.path, stat: this.statOf(n) });
        return;
      }
      case "setACL": {
        const n = this.mustGet(op.path);
        this.saveFields(n);
        n.acl = op.acl;
        n.aversion = op.version;
        out.results.push({ path: op.path, stat: this.statOf(n) });
        return;
      }
      case "check":
        out.results.push({ path: op.path });
        return;
      case "multi":
        for (const sub of op.ops) this.applyOp(txn, sub, out);
        return;
      case "createSession": {
        const had = this.sessions.get(txn.sessionId);
        this.record(() => {
          if (had === undefined) this.sessions.delete(txn.sessionId);
          else this.sessions.set(txn.sessionId, had);
        });
        this.sessions.set(txn.sessionId, op.timeout);
        return;
      }
      case "closeSession": {
        // Sorted so every replica deletes (and fires watches) in the same order.
        for (const p of [...(this.ephemerals.get(txn.sessionId) ?? [])].sort().reverse()) {
          if (this.nodes.has(p)) this.deleteNode(p, txn.zxid, out);
        }
        const had = this.sessions.get(txn.sessionId);
        if (had !== undefined) {
          this.record(() => this.sessions.set(txn.sessionId, had));
          this.sessions.delete(txn.sessionId);
        }
        return;
      }
    }
  }

  private mustGet(path: string): ZNode {
    const n = this.nodes.get(path);
    if (!n) throw new KeeperError(Err.NoNode, `invariant: txn refers to missing node ${path}`);
    return n;
  }

  private createNode(path: string, data: Buffer | null, acl: Acl[], owner: bigint, zxid: number, time: number, out: ApplyResult): Stat {
    const parentPath = parentOf(path);
    const parent = this.mustGet(parentPath);
    const name = childName(path);
    if (parent.children.has(name) || this.nodes.has(path)) {
      throw new KeeperError(Err.NodeExists, `invariant: txn creates existing node ${path}`);
    }
    this.saveFields(parent);
    parent.cversion++;
    parent.pzxid = zxid;
    parent.children.add(name);
    const node = newNode(data, acl, zxid, time, owner);
    this.nodes.set(path, node);
    if (owner === CONTAINER_OWNER) this.containers.add(path);
    else if (owner !== 0n) {
      let set = this.ephemerals.get(owner);
      if (!set) this.ephemerals.set(owner, (set = new Set()));
      set.add(path);
    }
    this.record(() => {
      parent.children.delete(name);
      this.nodes.delete(path);
      this.containers.delete(path);
      this.ephemerals.get(owner)?.delete(path);
    });
    out.triggers.push({ type: EventType.NodeCreated, path }, { type: EventType.NodeChildrenChanged, path: parentPath });
    return this.statOf(node);
  }

  private deleteNode(path: string, zxid: number, out: ApplyResult): void {
    const node = this.mustGet(path);
    if (node.children.size > 0) throw new KeeperError(Err.NotEmpty, `invariant: txn deletes non-empty node ${path}`);
    const parentPath = parentOf(path);
    const parent = this.mustGet(parentPath);
    const name = childName(path);
    this.saveFields(parent);
    parent.children.delete(name);
    parent.cversion++;
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    this.nodes.delete(path);
    this.containers.delete(path);
    const owner = node.ephemeralOwner;
    const eph = owner !== 0n ? this.ephemerals.get(owner) : undefined;
    if (eph) {
      eph.delete(path);
      if (eph.size === 0) this.ephemerals.delete(owner);
    }
    this.record(() => {
      parent.children.add(name);
      this.nodes.set(path, node);
      if (owner === CONTAINER_OWNER) this.containers.add(path);
      else if (owner !== 0n) {
        let set = this.ephemerals.get(owner);
        if (!set) this.ephemerals.set(owner, (set = new Set()));
        set.add(path);
      }
    });
    out.triggers.push({ type: EventType.NodeDeleted, path }, { type: EventType.NodeChildrenChanged, path: parentPath });
  }

  // ------------------------------------------------------------ snapshot

  /** Serializes the whole state at lastZxid. Parents are written before children. */
  serialize(): Buffer {
    const w = new JuteWriter(64 * 1024);
    w.int(SNAPSHOT_MAGIC).longNumber(this.lastZxid);
    w.int(this.sessions.size);
    for (const [id, timeout] of this.sessions) w.long(id).int(timeout);
    const paths: string[] = [];
    const stack = ["/"];
    while (stack.length) {
      const p = stack.pop()!;
      paths.push(p);
      for (const c of this.nodes.get(p)!.children) stack.push(p === "/" ? `/${c}` : `${p}/${c}`);
    }
    w.int(paths.length);
    for (const p of paths) {
      const n = this.nodes.get(p)!;
      w.ustring(p).buffer(n.data).vector(n.acl, writeAcl);
      w.longNumber(n.czxid).longNumber(n.mzxid).longNumber(n.ctime).longNumber(n.mtime);
      w.int(n.version).int(n.cversion).int(n.aversion).long(n.ephemeralOwner).longNumber(n.pzxid);
    }
    return Buffer.from(w.toBuffer());
  }

  static deserialize(buf: Buffer): DataTree {
    const r = new JuteReader(buf);
    if (r.int() !== SNAPSHOT_MAGIC) throw new JuteError("not a snapshot (bad magic)");
    const tree = new DataTree();
    tree.lastZxid = r.longNumber();
    const nSessions = r.int();
    for (let i = 0; i < nSessions; i++) tree.sessions.set(r.long(), r.int());
    const nNodes = r.int();
    for (let i = 0; i < nNodes; i++) {
      const path = r.string();
      const data = copyOrNull(r.buffer());
      const acl = r.vector(readAcl) ?? [];
      const n = newNode(data, acl, r.longNumber(), 0, 0n);
      n.mzxid = r.longNumber();
      n.ctime = r.longNumber();
      n.mtime = r.longNumber();
      n.version = r.int();
      n.cversion = r.int();
      n.aversion = r.int();
      n.ephemeralOwner = r.long();
      n.pzxid = r.longNumber();
      const existing = tree.nodes.get(path);
      if (existing) {
        // Root and system nodes exist already: keep their children, take the stored fields.
        n.children = existing.children;
        tree.nodes.set(path, n);
        continue;
      }
      const parent = tree.nodes.get(parentOf(path));
      if (!parent) throw new JuteError(`snapshot: parent of ${path} missing`);
      parent.children.add(childName(path));
      tree.nodes.set(path, n);
      if (n.ephemeralOwner === CONTAINER_OWNER) tree.containers.add(path);
      else if (n.ephemeralOwner !== 0n) {
        let set = tree.ephemerals.get(n.ephemeralOwner);
        if (!set) tree.ephemerals.set(n.ephemeralOwner, (set = new Set()));
        set.add(path);
      }
    }
    return tree;
  }
}
