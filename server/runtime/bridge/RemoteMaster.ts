import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { masterFromSnapshot } from "../client/ZkMasterDiscovery";
import type { CoordinationClient } from "../zk/CoordinationClient";
import { GroupWatcher } from "../zk/GroupWatcher";
import type { BridgeRemote } from "../../config/resolveNetworkConnectors";

export interface RemoteMasterEvents {
  /** The remote group elected another master (or lost its master): a waiting bridge should look again. */
  change: [];
}

/**
 * Where a bridge connects next. With a coordinator, the remote group's elected master as its
 * member znode publishes it (the same znodes the group's own election reads), watched so a new
 * master is known the moment it opens its listeners. Without one, the configured URIs in order
 * (masterslave: semantics), moving on to the next after each failure.
 */
export class RemoteMaster extends EventEmitter<RemoteMasterEvents> {
  private watcher: GroupWatcher | null = null;
  private urls: string[] = [];
  /** Position in the configured list: a failed URI moves the bridge on to the next one, round robin. */
  private cursor = 0;
  private closed = false;

  constructor(
    private readonly remote: BridgeRemote,
    private readonly zk: CoordinationClient | null,
    private readonly logger: Logger,
  ) {
    super();
  }

  get followsElection(): boolean {
    return this.remote.zkPath !== null && this.zk !== null;
  }

  async start(): Promise<void> {
    if (!this.followsElection) return;
    const watcher = await GroupWatcher.start({ client: this.zk!, path: this.remote.zkPath!, logger: this.logger });
    if (this.closed) {
      watcher.close();
      return;
    }
    this.watcher = watcher;
    const update = (): void => {
      const next = masterFromSnapshot(watcher.snapshot).urls;
      if (next.join(",") === this.urls.join(",")) return;
      this.urls = next;
      this.emit("change");
    };
    watcher.on("snapshot", update);
    watcher.on("error", (err) => this.logger.warn({ err: err.message, path: this.remote.zkPath }, "remote group watch failed; it resumes after the coordinator reconnects"));
    update();
  }

  /** The URL to try now, or null while the remote group has no master serving clients. */
  next(): string | null {
    if (this.followsElection) return this.urls[0] ?? null;
    const list = this.remote.urls;
    return list.length === 0 ? null : list[this.cursor % list.length]!;
  }

  /** Whether `url` is still where the remote group's master is (false once another was elected). */
  stillCurrent(url: string): boolean {
    return !this.followsElection || this.urls.includes(url);
  }

  failed(url: string): void {
    if (!this.followsElection && this.remote.urls[this.cursor % this.remote.urls.length] === url) this.cursor++;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    this.removeAllListeners();
  }
}
