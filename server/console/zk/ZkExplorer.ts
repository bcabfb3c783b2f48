import type { Logger } from "pino";
import { CoordinationClient } from "../../runtime/zk/CoordinationClient";
import { CoordinationError, isCoordinationError } from "../../runtime/zk/CoordinationError";
import type { CreateMode } from "../../runtime/zk/MultiOp";
import type { ZnodeStat } from "../../runtime/zk/ZnodeStat";
import { AppError, type AppErrorCode } from "../AppError";

export interface ZkExplorerOptions {
  /** Resolved on each connect so the embedded coordinator can supply its address once started. */
  connectString: () => string | undefined;
  logger: Logger;
  connectTimeoutMs?: number;
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
}

/** Children are stat'ed for the tree's expand arrows only up to this many (one request each). */
const MAX_STAT_CHILDREN = 500;

/**
 * The ZooKeeper explorer's service: browse and edit znodes through the same CoordinationClient the
 * runtime uses, so it works against the embedded coordinator and a real ensemble alike. One lazily
 * opened session, shared by all console users and closed with the console.
 */
export class ZkExplorer {
  private connecting: Promise<CoordinationClient> | undefined;
  private closed = false;

  constructor(private readonly opts: ZkExplorerOptions) {}

  get configured(): boolean {
    return this.opts.connectString() !== undefined;
  }

  /** The connect string the explorer uses (the embedded coordinator's, or TANDEM_ZK). */
  get connectString(): string | undefined {
    return this.opts.connectString();
  }

  async children(path: string): Promise<{ path: string; stat: ZkStatView; children: ZkChild[]; statsOmitted: boolean }> {
    const zk = await this.client();
    return this.run(async () => {
      const stat = await zk.exists(path);
      if (stat === null) throw new AppError("NOT_FOUND", `${path} does not exist`, "NO_NODE");
      const names = ((await zk.getChildren(path)) ?? []).sort();
      const statsOmitted = names.length > MAX_STAT_CHILDREN;
      const children = await Promise.all(
        names.map(async (name, i): Promise<ZkChild> => {
          const childPath = path === "/" ? `/${name}` : `${path}/${name}`;
          if (i >= MAX_STAT_CHILDREN) return { name, path: childPath, numChildren: null, ephemeral: false };
          const s = await zk.exists(childPath);
          return { name, path: childPath, numChildren: s?.numChildren ?? null, ephemeral: s?.ephemeralOwner != null };
        }),
      );
      return { path, stat: statView(stat), children, statsOmitted };
    });
  }

  async get(path: string, maxBytes: number): Promise<ZkNodeData> {
    const zk = await this.client();
    return this.run(async () => {
      const r = await zk.getData(path);
      if (r === null) throw new AppError("NOT_FOUND", `${path} does not exist`, "NO_NODE");
      const truncated = r.data !== null && r.data.length > maxBytes;
      return { path, data: truncated ? r.data!.subarray(0, maxBytes) : r.data, truncated, stat: statView(r.stat) };
    });
  }

  async create(path: string, data: Buffer | null, mode: CreateMode): Promise<string> {
    const zk = await this.client();
    return this.run(() => zk.create(path, data, mode));
  }

  /** `version` -1 overwrites whatever is there; otherwise BAD_VERSION when someone changed it. */
  async set(path: string, data: Buffer, version: number): Promise<ZkStatView> {
    const zk = await this.client();
    return this.run(async () => statView(await zk.setData(path, data, version)));
  }

  async delete(path: string, version: number): Promise<void> {
    if (path === "/" || path === "/zookeeper" || path.startsWith("/zookeeper/")) {
      throw new AppError("BAD_REQUEST", `${path} is reserved and cannot be deleted`, "RESERVED_PATH");
    }
    const zk = await this.client();
    await this.run(() => zk.delete(path, version));
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
