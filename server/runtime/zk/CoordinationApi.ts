import type { CoordinationClientEvents, SessionState } from "./CoordinationClient";
import type { CreateMode, MultiOp, MultiResult } from "./MultiOp";
import type { Watcher } from "./WatchEvent";
import type { ZnodeStat } from "./ZnodeStat";

type Listener<K extends keyof CoordinationClientEvents> = (...args: CoordinationClientEvents[K]) => void;

/**
 * The part of CoordinationClient that the coordination recipes (EphemeralMember, GroupWatcher)
 * and GroupMember use — same signatures and semantics (see CoordinationClient). CoordinationClient
 * is the one implementation in production; the HA fault simulator (server/runtime/ha/sim) supplies
 * an in-memory one with a virtual clock and injected network faults, so the real recipes and the
 * real GroupMember run inside it.
 */
export interface CoordinationApi {
  readonly state: SessionState;
  readonly sessionIdHex: string;
  /** Negotiated session timeout of the current session. */
  readonly sessionTimeoutMs: number;
  ensurePath(path: string): Promise<void>;
  create(path: string, data: Buffer | null, mode: CreateMode): Promise<string>;
  getData(path: string, watch?: Watcher): Promise<{ data: Buffer | null; stat: ZnodeStat } | null>;
  setData(path: string, data: Buffer, version?: number): Promise<ZnodeStat>;
  exists(path: string, watch?: Watcher): Promise<ZnodeStat | null>;
  getChildren(path: string, watch?: Watcher): Promise<string[] | null>;
  delete(path: string, version?: number): Promise<void>;
  multi(ops: MultiOp[]): Promise<MultiResult[]>;
  on<K extends keyof CoordinationClientEvents>(event: K, listener: Listener<K>): unknown;
  off<K extends keyof CoordinationClientEvents>(event: K, listener: Listener<K>): unknown;
  once<K extends keyof CoordinationClientEvents>(event: K, listener: Listener<K>): unknown;
}
