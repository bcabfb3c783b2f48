import { posix } from "node:path";
import { CoordinationError } from "../../zk/CoordinationError";
import type { CreateMode, MultiOp, MultiResult } from "../../zk/MultiOp";
import type { WatchEvent } from "../../zk/WatchEvent";
import type { ZnodeStat } from "../../zk/ZnodeStat";

/** A watch as the server holds it: the client-side record it fires (at most once). */
export interface ServerWatch {
  session: string;
  path: string;
  /** Called by the server; the client delivers it over its connection. */
  notify(event: WatchEvent): void;
}

interface Znode {
  data: Buffer | null;
  version: number;
  czxid: bigint;
  mzxid: bigint;
  cversion: number;
  ephemeralOwner: string | null;
  children: Set<string>;
}

interface ServerSession {
  id: string;
  timeoutMs: number;
  lastHeard: number;
  alive: boolean;
  /** Tells the client's connection the session is gone (the server closes the socket). */
  onExpired: () => void;
}

/**
 * The coordinator seen by the simulator: ZooKeeper's data model in memory — persistent,
 * ephemeral and sequential znodes with versions and zxids, one-shot data/exists/child watches,
 * sessions that expire when the server has not heard from them for their timeout (deleting
 * their ephemerals and firing the watches on them). Operations apply atomically at the moment
 * the request arrives, as on a single ZooKeeper server.
 */
export class VirtualCoordinator {
  private readonly nodes = new Map<string, Znode>();
  private readonly sessions = new Map<string, ServerSession>();
  private readonly dataWatches = new Map<string, ServerWatch[]>();
  private readonly childWatches = new Map<string, ServerWatch[]>();
  private zxid = 0n;
  private nextSession = 1;

  constructor(private readonly clock: () => number) {
    this.nodes.set("/", this.znode(null, null));
  }

  openSession(timeoutMs: number, onExpired: () => void): string {
    const id = (0x1000 + this.nextSession++).toString(16).padStart(16, "0");
    this.sessions.set(id, { id, timeoutMs, lastHeard: this.clock(), alive: true, onExpired });
    return id;
  }

  /** A ping or request from the session's client arrived; false if the session is gone. */
  touch(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s?.alive) return false;
    s.lastHeard = this.clock();
    return true;
  }

  isAlive(id: string): boolean {
    return this.sessions.get(id)?.alive ?? false;
  }

  /** Expires every session not heard from for its timeout. */
  tick(): void {
    for (const s of this.sessions.values()) {
      if (s.alive && this.clock() - s.lastHeard > s.timeoutMs) this.expire(s);
    }
  }

  /** Ends a session (close or expiry): its ephemerals go, with the watches on them. */
  expire(s: ServerSession): void {
    s.alive = false;
    this.sessions.delete(s.id);
    for (const [path, n] of [...this.nodes]) if (n.ephemeralOwner === s.id && this.nodes.has(path)) this.remove(path);
    for (const list of [...this.dataWatches.values(), ...this.childWatches.values()]) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.session === s.id) list.splice(i, 1);
    }
    s.onExpired();
  }

  // ---- operations (at arrival) -----------------------------------------------------------------

  create(session: string, path: string, data: Buffer | null, mode: CreateMode): string {
    const parentPath = posix.dirname(path);
    const parent = this.nodes.get(parentPath);
    if (!parent) throw new CoordinationError("NO_NODE", `create ${path}: no parent`, path);
    if (parent.ephemeralOwner) throw new CoordinationError("NO_CHILDREN_FOR_EPHEMERALS", `create ${path}`, path);
    let actual = path;
    if (mode === "persistent_sequential" || mode === "ephemeral_sequential") {
      actual = `${path}${String(parent.cversion).padStart(10, "0")}`;
    }
    if (this.nodes.has(actual)) throw new CoordinationError("NODE_EXISTS", `create ${actual}`, actual);
    const ephemeral = mode === "ephemeral" || mode === "ephemeral_sequential";
    this.nodes.set(actual, this.znode(data, ephemeral ? session : null));
    parent.children.add(posix.basename(actual));
    parent.cversion++;
    this.fire(this.dataWatches, actual, "created");
    this.fire(this.childWatches, parentPath, "children_changed");
    return actual;
  }

  getData(path: string, watch?: ServerWatch): { data: Buffer | null; stat: ZnodeStat } | null {
    const n = this.nodes.get(path);
    if (!n) return null;
    if (watch) this.add(this.dataWatches, path, watch);
    return { data: n.data, stat: this.stat(n) };
  }

  exists(path: string, watch?: ServerWatch): ZnodeStat | null {
    const n = this.nodes.get(path);
    if (watch) this.add(this.dataWatches, path, watch);
    return n ? this.stat(n) : null;
  }

  getChildren(path: string, watch?: ServerWatch): string[] | null {
    const n = this.nodes.get(path);
    if (!n) return null;
    if (watch) this.add(this.childWatches, path, watch);
    return [...n.children];
  }

  setData(path: string, data: Buffer, version: number): ZnodeStat {
    const n = this.nodes.get(path);
    if (!n) throw new CoordinationError("NO_NODE", `setData ${path}`, path);
    if (version !== -1 && version !== n.version) throw new CoordinationError("BAD_VERSION", `setData ${path}`, path);
    n.data = data;
    n.version++;
    n.mzxid = ++this.zxid;
    this.fire(this.dataWatches, path, "data_changed");
    return this.stat(n);
  }

  delete(path: string, version: number): void {
    const n = this.nodes.get(path);
    if (!n) throw new CoordinationError("NO_NODE", `delete ${path}`, path);
    if (version !== -1 && version !== n.version) throw new CoordinationError("BAD_VERSION", `delete ${path}`, path);
    if (n.children.size > 0) throw new CoordinationError("NOT_EMPTY", `delete ${path}`, path);
    this.remove(path);
  }

  /** All operations or none: each is validated against the tree as the earlier ones leave it. */
  multi(session: string, ops: MultiOp[]): MultiResult[] {
    ops.forEach((op, i) => {
      const n = this.nodes.get(op.path);
      const fail = (code: "NO_NODE" | "BAD_VERSION" | "NODE_EXISTS"): never => {
        throw new CoordinationError(code, `multi op #${i} (${op.op}) ${op.path}: ${code}`, op.path, i);
      };
      if (op.op === "create") {
        if (n) fail("NODE_EXISTS");
        if (!this.nodes.has(posix.dirname(op.path))) fail("NO_NODE");
      } else {
        if (!n) fail("NO_NODE");
        const version = op.op === "check" ? op.version : (op.version ?? -1);
        if (version !== -1 && version !== n!.version) fail("BAD_VERSION");
      }
    });
    return ops.map((op): MultiResult => {
      switch (op.op) {
        case "create":
          return { op: "create", path: this.create(session, op.path, op.data, op.mode) };
        case "setData":
          return { op: "setData", stat: this.setData(op.path, op.data, -1) };
        case "delete":
          this.delete(op.path, -1);
          return { op: "delete" };
        case "check":
          return { op: "check" };
      }
    });
  }

  /** For the checker's trace: the member znodes under a path. */
  children(path: string): Array<{ name: string; data: string }> {
    const n = this.nodes.get(path);
    if (!n) return [];
    return [...n.children].sort().map((c) => ({ name: c, data: this.nodes.get(posix.join(path, c))?.data?.toString() ?? "" }));
  }

  private remove(path: string): void {
    this.nodes.delete(path);
    this.zxid++;
    const parentPath = posix.dirname(path);
    const parent = this.nodes.get(parentPath);
    if (parent) {
      parent.children.delete(posix.basename(path));
      parent.cversion++;
    }
    this.fire(this.dataWatches, path, "deleted");
    this.fire(this.childWatches, path, "deleted");
    this.fire(this.childWatches, parentPath, "children_changed");
  }

  private znode(data: Buffer | null, owner: string | null): Znode {
    const z = ++this.zxid;
    return { data, version: 0, czxid: z, mzxid: z, cversion: 0, ephemeralOwner: owner, children: new Set() };
  }

  private stat(n: Znode): ZnodeStat {
    return {
      czxid: n.czxid,
      mzxid: n.mzxid,
      pzxid: n.mzxid,
      ctime: 0,
      mtime: 0,
      version: n.version,
      cversion: n.cversion,
      aversion: 0,
      ephemeralOwner: n.ephemeralOwner,
      dataLength: n.data?.length ?? 0,
      numChildren: n.children.size,
    };
  }

  private add(map: Map<string, ServerWatch[]>, path: string, w: ServerWatch): void {
    const list = map.get(path) ?? [];
    list.push(w);
    map.set(path, list);
  }

  private fire(map: Map<string, ServerWatch[]>, path: string, type: WatchEvent["type"]): void {
    const list = map.get(path);
    if (!list) return;
    map.delete(path);
    for (const w of list) w.notify({ type, path });
  }
}
