import { EventEmitter } from "node:events";
import { posix } from "node:path";
import type { Logger } from "pino";
import type { ReconnectedEvent } from "./CoordinationClient";
import type { CoordinationApi } from "./CoordinationApi";
import { CoordinationError, isCoordinationError } from "./CoordinationError";
import type { WatchEvent } from "./WatchEvent";
import type { ZnodeStat } from "./ZnodeStat";

/**
 * Watches a path's children and each child's data and emits a consistent snapshot, sorted by
 * name, whenever anything changes — what a group's election and the console read.
 *
 * ZooKeeper watches are one-shot, and a child can vanish between getChildren and its getData,
 * so the watcher keeps "dirty" marks and one refresh loop: every notification only marks what
 * changed and re-runs the loop, which re-arms exactly one watch per node (never two, or one
 * change would be reported twice) and emits only when no marks are left — so a snapshot never
 * mixes the listing of one moment with data of a member that is already gone. A missing group
 * node is watched with exists() until it appears. After a new session all watches are gone (they
 * fired "session_lost"), so everything is re-read; after a failed read the loop resumes on the
 * next reconnect. Snapshots are emitted only when they differ (names, versions, mzxids).
 */
export interface GroupMember {
  name: string;
  data: Buffer | null;
  stat: ZnodeStat;
}

export interface GroupWatcherOptions {
  client: CoordinationApi;
  path: string;
  logger: Logger;
}

export interface GroupWatcherEvents {
  snapshot: [GroupMember[]];
  error: [Error];
}

export class GroupWatcher extends EventEmitter<GroupWatcherEvents> {
  private readonly client: CoordinationApi;
  private readonly path: string;
  private readonly log: Logger;
  private readonly members = new Map<string, GroupMember>();
  private childWatchArmed = false;
  private existsWatchArmed = false;
  private readonly dataWatchArmed = new Set<string>();
  private dirtyChildren = true;
  private readonly dirtyNames = new Set<string>();
  private running = false;
  private closed = false;
  private lastKey: string | undefined;
  private last: GroupMember[] = [];

  private readonly onReconnected = (ev: ReconnectedEvent): void => {
    if (ev.newSession) {
      // Every watch of the old session has fired "session_lost": re-read everything.
      this.childWatchArmed = false;
      this.existsWatchArmed = false;
      this.dataWatchArmed.clear();
      for (const name of this.members.keys()) this.dirtyNames.add(name);
      this.dirtyChildren = true;
    }
    this.kick();
  };

  private constructor(opts: GroupWatcherOptions) {
    super();
    this.client = opts.client;
    this.path = opts.path;
    this.log = opts.logger.child({ component: "zk-group-watcher", path: opts.path });
  }

  /** Starts watching; resolves with the first snapshot. */
  static async start(opts: GroupWatcherOptions): Promise<GroupWatcher> {
    const watcher = new GroupWatcher(opts);
    const first = new Promise<void>((resolve, reject) => {
      watcher.once("snapshot", () => resolve());
      watcher.once("error", reject);
    });
    watcher.client.on("reconnected", watcher.onReconnected);
    watcher.kick();
    try {
      await first;
    } catch (err) {
      watcher.close();
      throw err;
    }
    return watcher;
  }

  /** The last emitted snapshot. */
  get snapshot(): GroupMember[] {
    return this.last;
  }

  /** Stops emitting. Outstanding one-shot watches fire later into a closed watcher and are ignored. */
  close(): void {
    this.closed = true;
    this.client.off("reconnected", this.onReconnected);
  }

  private childWatch = (ev: WatchEvent): void => {
    this.childWatchArmed = false;
    if (ev.type === "session_lost" || this.closed) return;
    this.dirtyChildren = true;
    this.kick();
  };

  private existsWatch = (ev: WatchEvent): void => {
    this.existsWatchArmed = false;
    if (ev.type === "session_lost" || this.closed) return;
    this.dirtyChildren = true;
    this.kick();
  };

  private dataWatch(name: string): (ev: WatchEvent) => void {
    return (ev) => {
      this.dataWatchArmed.delete(name);
      if (ev.type === "session_lost" || this.closed) return;
      this.dirtyNames.add(name);
      // A deleted child also changes the listing; its child watch says so too, but marking it here
      // keeps the snapshot from showing the member without data in between.
      if (ev.type === "deleted") this.dirtyChildren = true;
      this.kick();
    };
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void this.refresh().then((completed) => {
      this.running = false;
      // A notification that arrived after the loop's last check: run again. After a failure the
      // next "reconnected" resumes instead, so a persistent error cannot spin.
      if (completed && !this.closed && (this.dirtyChildren || this.dirtyNames.size > 0)) this.kick();
    });
  }

  /** Runs until no marks are left; false when interrupted by an error. */
  private async refresh(): Promise<boolean> {
    try {
      while (!this.closed && (this.dirtyChildren || this.dirtyNames.size > 0)) {
        if (this.dirtyChildren) {
          this.dirtyChildren = false;
          await this.refreshChildren();
          continue;
        }
        const [name] = this.dirtyNames;
        if (name === undefined) break;
        this.dirtyNames.delete(name);
        await this.refreshMember(name);
      }
      if (!this.closed) this.emitIfChanged();
      return true;
    } catch (err) {
      // Put the marks back so the next reconnect resumes the loop where it stopped.
      this.dirtyChildren = true;
      if (isCoordinationError(err) && ["SESSION_EXPIRED", "CONNECTION_LOSS", "CLOSED"].includes(err.code)) {
        this.log.info({ code: err.code }, "group refresh interrupted; resuming on reconnect");
        return false;
      }
      const e = err instanceof Error ? err : new CoordinationError("SYSTEM_ERROR", String(err));
      this.log.error({ err: e }, "group refresh failed; resuming on reconnect");
      if (this.listenerCount("error") > 0) this.emit("error", e);
      return false;
    }
  }

  private async refreshChildren(): Promise<void> {
    const arm = !this.childWatchArmed;
    if (arm) this.childWatchArmed = true;
    let children: string[] | null;
    try {
      children = await this.client.getChildren(this.path, arm ? this.childWatch : undefined);
    } catch (err) {
      if (arm) this.childWatchArmed = false;
      throw err;
    }
    if (children === null) {
      if (arm) this.childWatchArmed = false; // no node, no watch was set
      this.members.clear();
      this.dataWatchArmed.clear();
      this.dirtyNames.clear();
      if (!this.existsWatchArmed) {
        this.existsWatchArmed = true;
        const stat = await this.client.exists(this.path, this.existsWatch).catch((err: unknown) => {
          this.existsWatchArmed = false;
          throw err;
        });
        if (stat !== null) this.dirtyChildren = true; // created in between: list it
      }
      return;
    }
    const listed = new Set(children);
    for (const name of [...this.members.keys()]) {
      if (!listed.has(name)) {
        this.members.delete(name);
        this.dirtyNames.delete(name);
      }
    }
    for (const name of children) if (!this.members.has(name)) this.dirtyNames.add(name);
  }

  private async refreshMember(name: string): Promise<void> {
    const arm = !this.dataWatchArmed.has(name);
    if (arm) this.dataWatchArmed.add(name);
    let got: Awaited<ReturnType<CoordinationApi["getData"]>>;
    try {
      got = await this.client.getData(posix.join(this.path, name), arm ? this.dataWatch(name) : undefined);
    } catch (err) {
      if (arm) this.dataWatchArmed.delete(name);
      this.dirtyNames.add(name);
      throw err;
    }
    if (got === null) {
      // Vanished between the listing and this read: not a member; the child watch reports it.
      if (arm) this.dataWatchArmed.delete(name);
      this.members.delete(name);
      return;
    }
    this.members.set(name, { name, data: got.data, stat: got.stat });
  }

  private emitIfChanged(): void {
    const snapshot = [...this.members.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const key = snapshot.map((m) => `${m.name}:${m.stat.version}:${m.stat.mzxid}`).join("|");
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.last = snapshot;
    this.emit("snapshot", snapshot);
  }
}
