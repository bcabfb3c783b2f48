import type { Logger } from "pino";
import { createHash } from "node:crypto";
import { CoordinationClient, type ZnodeAcl } from "../../runtime/zk/CoordinationClient";
import { CoordinationError, isCoordinationError } from "../../runtime/zk/CoordinationError";
import type { CreateMode } from "../../runtime/zk/MultiOp";
import type { WatchEvent } from "../../runtime/zk/WatchEvent";
import type { ZnodeStat } from "../../runtime/zk/ZnodeStat";
import { AppError, type AppErrorCode } from "../AppError";
import type { LiveEvents } from "../LiveEvents";
import { znodeChangeInvalidations } from "./znodeChangeInvalidations";

export interface ZkExplorerOptions {
  /** Resolved on each connect so the embedded coordinator can supply its address once started. */
  connectString: () => string | undefined;
  logger: Logger;
  connectTimeoutMs?: number;
  /** Where watch events go as query invalidations (the browsers' live channel). */
  live?: LiveEvents;
}

/** Stat in the shape of `zkCli get -s`: zxids and the owner session as 0x-hex strings. */
export interface ZkStatView {
  cZxid: string;
  ctime: number;
  mZxid: string;
  mtime: number;
  pZxid: string;
  cversion: number;
  dataVersion: number;
  aclVersion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export interface ZkChild {
  name: string;
  path: string;
  /** null when the child vanished between listing and stat. */
  numChildren: number | null;
  ephemeral: boolean;
}

export interface ZkNodeData {
  path: string;
  /** The first `maxBytes` bytes. */
  data: Buffer | null;
  truncated: boolean;
  stat: ZkStatView;
  /** An ephemeral held by the explorer's own session (created here): it goes when the console does. */
  ownedByConsole: boolean;
}

/** One znode a recursive delete would remove, deepest first. */
export interface ZkDeleteItem {
  path: string;
  ephemeralOwner: string;
}

export interface ZkDeletePreview {
  path: string;
  /** Deepest first: the order the deletes are issued in. */
  znodes: ZkDeleteItem[];
  /** More than MAX_RECURSIVE_DELETE znodes: listed up to the limit, and refused. */
  tooMany: boolean;
  /** Names exactly this set of paths; deleteRecursive refuses when the subtree no longer matches. */
  fingerprint: string;
}

/** Children are stat'ed for the tree's expand arrows only up to this many (one request each). */
const MAX_STAT_CHILDREN = 500;
/** One recursive delete removes at most this many znodes (ZooKeeper's deleteall has no bound; we want a preview a person can read). */
export const MAX_RECURSIVE_DELETE = 5_000;
/** Deletes per multi(): well under jute.maxbuffer (1 MB) even for 4 KB paths. */
const DELETE_BATCH = 100;
/**
 * Watches the explorer keeps armed at most. Each is one-shot and re-armed only by a read, so the
 * set holds what browsers looked at since its last change; the cap bounds a crawl of a huge tree.
 */
const MAX_ARMED_WATCHES = 20_000;

/**
 * The ZooKeeper explorer's service: browse and edit znodes through the same CoordinationClient the
 * runtime uses, so it works against the embedded coordinator and a real ensemble alike. One lazily
 * opened session, shared by all console users and closed with the console.
 */
export class ZkExplorer {
  private connecting: Promise<CoordinationClient> | undefined;
  private closed = false;
  /** "c:/path" (children) and "d:/path" (data) watches armed on the current session. */
  private readonly armed = new Set<string>();
  private capWarned = false;

  constructor(private readonly opts: ZkExplorerOptions) {}

  get configured(): boolean {
    return this.opts.connectString() !== undefined;
  }

  /** The connect string the explorer uses (the embedded coordinator's, or TANDEM_ZK). */
  get connectString(): string | undefined {
    return this.opts.connectString();
  }

  /** Children with their own stat; the listing and each listed child's children are watched. */
  async children(path: string): Promise<{ path: string; stat: ZkStatView; children: ZkChild[]; statsOmitted: boolean }> {
    const zk = await this.client();
    return this.run(async () => {
      const r = await zk.getChildrenAndStat(path, this.watcher("c", path));
      if (r === null) throw new AppError("NOT_FOUND", `${path} does not exist`, "NO_NODE");
      const names = [...r.children].sort();
      const statsOmitted = names.length > MAX_STAT_CHILDREN;
      const children = await Promise.all(
        names.map(async (name, i): Promise<ZkChild> => {
          const childPath = path === "/" ? `/${name}` : `${path}/${name}`;
          if (i >= MAX_STAT_CHILDREN) return { name, path: childPath, numChildren: null, ephemeral: false };
          // A children watch on each child too: its child count (the tree's expand arrow) is shown here.
          const c = await zk.getChildrenAndStat(childPath, this.watcher("c", childPath));
          return { name, path: childPath, numChildren: c?.stat.numChildren ?? null, ephemeral: c?.stat.ephemeralOwner != null };
        }),
      );
      return { path, stat: statView(r.stat), children, statsOmitted };
    });
  }

  async get(path: string, maxBytes: number): Promise<ZkNodeData> {
    const zk = await this.client();
    return this.run(async () => {
      const r = await zk.getData(path, this.watcher("d", path));
      if (r === null) {
        // getData arms nothing on NO_NODE: an exists watch tells the panel when it appears.
        await zk.exists(path, this.watcher("d", path));
        throw new AppError("NOT_FOUND", `${path} does not exist`, "NO_NODE");
      }
      const truncated = r.data !== null && r.data.length > maxBytes;
      return {
        path,
        data: truncated ? r.data!.subarray(0, maxBytes) : r.data,
        truncated,
        stat: statView(r.stat),
        ownedByConsole: r.stat.ephemeralOwner !== null && r.stat.ephemeralOwner === zk.sessionIdHex,
      };
    });
  }

  /** The ACL of a znode (ZooKeeper fires no watch on setACL, so this is read on demand). */
  async acl(path: string): Promise<{ acl: ZnodeAcl[]; aclVersion: number }> {
    const zk = await this.client();
    return this.run(async () => {
      const r = await zk.getAcl(path);
      if (r === null) throw new AppError("NOT_FOUND", `${path} does not exist`, "NO_NODE");
      return { acl: r.acl, aclVersion: r.stat.aversion };
    });
  }

  /**
   * Creates a znode. An ephemeral one is owned by the explorer's session: the returned owner says
   * so, and the znode disappears when the console stops or loses that session.
   */
  async create(path: string, data: Buffer | null, mode: CreateMode): Promise<{ path: string; ephemeralOwner: string | null }> {
    const zk = await this.client();
    return this.run(async () => {
      const created = await zk.create(path, data, mode);
      const ephemeral = mode === "ephemeral" || mode === "ephemeral_sequential";
      return { path: created, ephemeralOwner: ephemeral ? `0x${zk.sessionIdHex.replace(/^0+(?=.)/, "")}` : null };
    });
  }

  /** `version` -1 overwrites whatever is there; otherwise BAD_VERSION when someone changed it. */
  async set(path: string, data: Buffer, version: number): Promise<ZkStatView> {
    const zk = await this.client();
    return this.run(async () => statView(await zk.setData(path, data, version)));
  }

  async delete(path: string, version: number): Promise<void> {
    refuseReserved(path);
    const zk = await this.client();
    await this.run(() => zk.delete(path, version));
  }

  /** What a recursive delete of `path` would remove, deepest first, with a fingerprint of the set. */
  async deletePreview(path: string): Promise<ZkDeletePreview> {
    refuseReserved(path);
    const zk = await this.client();
    return this.run(async () => {
      const found: ZkDeleteItem[] = [];
      let tooMany = false;
      // Depth-first, children before their parent (post-order): the order deletes must run in.
      const visit = async (p: string): Promise<boolean> => {
        const r = await zk.getChildrenAndStat(p);
        if (r === null) return true; // vanished while we walked: nothing to delete there
        for (const name of [...r.children].sort()) {
          if (!(await visit(p === "/" ? `/${name}` : `${p}/${name}`))) return false;
        }
        if (found.length >= MAX_RECURSIVE_DELETE) {
          tooMany = true;
          return false;
        }
        found.push({ path: p, ephemeralOwner: statView(r.stat).ephemeralOwner });
        return true;
      };
      if ((await zk.exists(path)) === null) throw new AppError("NOT_FOUND", `${path} does not exist`, "NO_NODE");
      await visit(path);
      return { path, znodes: found, tooMany, fingerprint: fingerprintOf(found) };
    });
  }

  /**
   * Deletes `path` and everything under it, but only the set the operator previewed: if a znode
   * was added or removed under it since, nothing is deleted and the conflict says so. Batches of
   * deletes go as one multi() each (deepest first), so a batch applies whole or not at all.
   */
  async deleteRecursive(path: string, fingerprint: string): Promise<{ deleted: number }> {
    const preview = await this.deletePreview(path);
    if (preview.tooMany) {
      throw new AppError("BAD_REQUEST", `${path} has more than ${MAX_RECURSIVE_DELETE} znodes under it; delete its subtrees one by one`, "TOO_MANY_ZNODES");
    }
    if (preview.fingerprint !== fingerprint) {
      throw new AppError("CONFLICT", `the znodes under ${path} changed since the preview (now ${preview.znodes.length}); review the preview again`, "PREVIEW_STALE");
    }
    const zk = await this.client();
    let deleted = 0;
    for (let i = 0; i < preview.znodes.length; i += DELETE_BATCH) {
      const batch = preview.znodes.slice(i, i + DELETE_BATCH);
      try {
        await zk.multi(batch.map((z) => ({ op: "delete" as const, path: z.path })));
        deleted += batch.length;
      } catch (err) {
        // An ephemeral in the batch expired meanwhile: the rest of the batch is deleted one by one.
        if (!(err instanceof CoordinationError && err.code === "NO_NODE")) throw toAppError(err);
        for (const z of batch) {
          await this.run(() => zk.delete(z.path)).then(
            () => void deleted++,
            (e: unknown) => {
              if (!(e instanceof AppError && e.reason === "NO_NODE")) throw e;
            },
          );
        }
      }
    }
    this.opts.logger.info({ path, deleted }, "znode subtree deleted from the console");
    return { deleted };
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    this.connecting = undefined;
    if (pending) await pending.then((c) => c.close(), () => undefined);
  }

  private client(): Promise<CoordinationClient> {
    if (this.closed) return Promise.reject(new AppError("UNAVAILABLE", "the console is shutting down"));
    if (this.connecting === undefined) {
      const connectString = this.opts.connectString();
      if (connectString === undefined) {
        return Promise.reject(new AppError("PRECONDITION_FAILED", "no coordinator configured (set TANDEM_ZK or attach a cluster)", "NO_COORDINATOR"));
      }
      const attempt = CoordinationClient.connect({
        connectString,
        connectTimeoutMs: this.opts.connectTimeoutMs ?? 5_000,
        logger: this.opts.logger,
      });
      this.connecting = attempt;
      // A failed connect is not cached: the next request tries again.
      attempt.catch(() => {
        if (this.connecting === attempt) this.connecting = undefined;
      });
    }
    return this.connecting.catch((err: unknown) => {
      throw toAppError(err);
    });
  }

  /**
   * A one-shot watch for `path` unless one is armed already: its event becomes live-channel
   * invalidations of the queries showing that znode. undefined when nobody listens or at the cap.
   */
  private watcher(kind: "c" | "d", path: string): ((e: WatchEvent) => void) | undefined {
    const live = this.opts.live;
    const key = `${kind}:${path}`;
    if (live === undefined || this.armed.has(key)) return undefined;
    if (this.armed.size >= MAX_ARMED_WATCHES) {
      if (!this.capWarned) {
        this.capWarned = true;
        this.opts.logger.warn({ armed: this.armed.size }, "ZooKeeper explorer: watch cap reached; newly viewed znodes update only when read again");
      }
      return undefined;
    }
    this.armed.add(key);
    return (event) => {
      this.armed.delete(key);
      for (const m of znodeChangeInvalidations(event)) live.publish(m);
    };
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toAppError(err);
    }
  }
}

const CODE_MAP: Partial<Record<CoordinationError["code"], AppErrorCode>> = {
  NO_NODE: "NOT_FOUND",
  NODE_EXISTS: "CONFLICT",
  BAD_VERSION: "CONFLICT",
  NOT_EMPTY: "CONFLICT",
  NO_CHILDREN_FOR_EPHEMERALS: "BAD_REQUEST",
  BAD_ARGUMENTS: "BAD_REQUEST",
  NO_AUTH: "FORBIDDEN",
  INVALID_ACL: "BAD_REQUEST",
  CONNECTION_LOSS: "UNAVAILABLE",
  SESSION_EXPIRED: "UNAVAILABLE",
  CONNECT_TIMEOUT: "UNAVAILABLE",
  CLOSED: "UNAVAILABLE",
};

function toAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (isCoordinationError(err)) return new AppError(CODE_MAP[err.code] ?? "UNAVAILABLE", err.message, err.code, { cause: err });
  return err;
}

function refuseReserved(path: string): void {
  if (path === "/" || path === "/zookeeper" || path.startsWith("/zookeeper/")) {
    throw new AppError("BAD_REQUEST", `${path} is reserved and cannot be deleted`, "RESERVED_PATH");
  }
}

function fingerprintOf(items: readonly ZkDeleteItem[]): string {
  const h = createHash("sha256");
  for (const z of items) h.update(`${z.path}\n`);
  return h.digest("hex");
}

function hex(n: bigint): string {
  return `0x${n.toString(16)}`;
}

export function statView(s: ZnodeStat): ZkStatView {
  return {
    cZxid: hex(s.czxid),
    ctime: s.ctime,
    mZxid: hex(s.mzxid),
    mtime: s.mtime,
    pZxid: hex(s.pzxid),
    cversion: s.cversion,
    dataVersion: s.version,
    aclVersion: s.aversion,
    ephemeralOwner: s.ephemeralOwner === null ? "0x0" : `0x${s.ephemeralOwner.replace(/^0+(?=.)/, "")}`,
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}
