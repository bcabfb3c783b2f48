// Data and child watches per connection (section 1.(a)15-17): one-shot, persistent and
// persistent-recursive (addWatch, ZooKeeper 3.6+).
// Src: apache/zookeeper server/watch/WatchManager.java and DataTree's use of it. Like ZooKeeper,
// there are two tables — data and child — and addWatch registers in both; one (path, watcher)
// has one mode per table. A Set per path makes a second registration of the same (path, kind) on
// one connection fire only once.
import { EventType } from "./protocol";
import type { WatchTrigger } from "./DataTree";

export interface Watcher {
  /** Delivers a WatcherEvent; called synchronously in apply order, before the write's response. */
  notify(type: number, path: string, zxid: number): void;
}

/** AddWatchMode / WatcherMode: STANDARD is the one-shot watch of exists/getData/getChildren. */
export const WatchMode = { STANDARD: -1, PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;
export type WatchModeValue = (typeof WatchMode)[keyof typeof WatchMode];

/** Watcher.WatcherType of checkWatches/removeWatches. */
export const WatcherType = { Children: 1, Data: 2, Any: 3 } as const;

function* selfAndAncestors(path: string): Generator<string> {
  yield path;
  let p = path;
  while (p !== "/") {
    const i = p.lastIndexOf("/");
    p = i <= 0 ? "/" : p.slice(0, i);
    yield p;
  }
}

/** One of ZooKeeper's two watch tables: path → watcher → mode. */
class WatchTable {
  private readonly table = new Map<string, Map<Watcher, WatchModeValue>>();
  private recursiveCount = 0;

  add(path: string, w: Watcher, mode: WatchModeValue): void {
    let m = this.table.get(path);
    if (!m) this.table.set(path, (m = new Map()));
    const had = m.get(w);
    // A one-shot registration does not downgrade a persistent watch on the same path (ZooKeeper
    // 3.8 did, silently losing the persistent watch; fixed upstream by ZOOKEEPER-4466).
    if (had !== undefined && mode === WatchMode.STANDARD) return;
    if (had === WatchMode.PERSISTENT_RECURSIVE) this.recursiveCount--;
    if (mode === WatchMode.PERSISTENT_RECURSIVE) this.recursiveCount++;
    m.set(w, mode);
  }

  /**
   * WatchManager.triggerWatch: watchers at `path` fire (one-shot ones are removed); recursive
   * watchers on an ancestor fire too, except for NodeChildrenChanged.
   */
  trigger(path: string, type: number, into: Set<Watcher>, suppress?: ReadonlySet<Watcher>): void {
    const paths = this.recursiveCount > 0 ? selfAndAncestors(path) : [path];
    let atLeaf = true;
    for (const p of paths) {
      const m = this.table.get(p);
      if (m) {
        for (const [w, mode] of m) {
          if (mode === WatchMode.PERSISTENT_RECURSIVE) {
            if (type !== EventType.NodeChildrenChanged && !suppress?.has(w)) into.add(w);
          } else if (atLeaf) {
            if (!suppress?.has(w)) into.add(w);
            if (mode === WatchMode.STANDARD) m.delete(w);
          }
        }
        if (m.size === 0) this.table.delete(p);
      }
      atLeaf = false;
    }
  }

  has(path: string, w: Watcher): boolean {
    return this.table.get(path)?.has(w) ?? false;
  }

  remove(path: string, w: Watcher): boolean {
    const m = this.table.get(path);
    const mode = m?.get(w);
    if (!m || mode === undefined) return false;
    m.delete(w);
    if (mode === WatchMode.PERSISTENT_RECURSIVE) this.recursiveCount--;
    if (m.size === 0) this.table.delete(path);
    return true;
  }

  removeWatcher(w: Watcher): void {
    for (const path of [...this.table.keys()]) this.remove(path, w);
  }

  count(): number {
    let n = 0;
    for (const m of this.table.values()) n += m.size;
    return n;
  }

  paths(): IterableIterator<string> {
    return this.table.keys();
  }

  watchers(into: Set<Watcher>): void {
    for (const m of this.table.values()) for (const w of m.keys()) into.add(w);
  }
}

export class WatchManager {
  private readonly data = new WatchTable();
  private readonly child = new WatchTable();

  addDataWatch(path: string, w: Watcher): void {
    this.data.add(path, w, WatchMode.STANDARD);
  }

  addChildWatch(path: string, w: Watcher): void {
    this.child.add(path, w, WatchMode.STANDARD);
  }

  /** addWatch (opcode 106): a persistent or persistent-recursive watch, in both tables. */
  addPersistentWatch(path: string, w: Watcher, mode: typeof WatchMode.PERSISTENT | typeof WatchMode.PERSISTENT_RECURSIVE): void {
    this.data.add(path, w, mode);
    this.child.add(path, w, mode);
  }

  /**
   * Fires the watches a trigger hits, once per watcher (DataTree: NodeDeleted goes to the data
   * table, then to the child table suppressing those already told).
   */
  trigger(t: WatchTrigger, zxid: number): number {
    const hit = new Set<Watcher>();
    if (t.type === EventType.NodeCreated || t.type === EventType.NodeDataChanged || t.type === EventType.NodeDeleted) {
      this.data.trigger(t.path, t.type, hit);
    }
    if (t.type === EventType.NodeChildrenChanged || t.type === EventType.NodeDeleted) {
      this.child.trigger(t.path, t.type, hit, t.type === EventType.NodeDeleted ? new Set(hit) : undefined);
    }
    for (const w of hit) w.notify(t.type, t.path, zxid);
    return hit.size;
  }

  /** checkWatches (opcode 17): does this connection watch `path` in the tables `type` names? */
  contains(path: string, type: number, w: Watcher): boolean {
    const data = type === WatcherType.Data || type === WatcherType.Any;
    const child = type === WatcherType.Children || type === WatcherType.Any;
    return (data && this.data.has(path, w)) || (child && this.child.has(path, w));
  }

  /** removeWatches (opcode 18): false when there was nothing to remove (NoWatcher). */
  remove(path: string, type: number, w: Watcher): boolean {
    let removed = false;
    if (type === WatcherType.Children || type === WatcherType.Any) removed = this.child.remove(path, w) || removed;
    if (type === WatcherType.Data || type === WatcherType.Any) removed = this.data.remove(path, w) || removed;
    return removed;
  }

  removeWatcher(w: Watcher): void {
    this.data.removeWatcher(w);
    this.child.removeWatcher(w);
  }

  count(): number {
    return this.data.count() + this.child.count();
  }

  pathCount(): number {
    return new Set([...this.data.paths(), ...this.child.paths()]).size;
  }

  watcherCount(): number {
    const all = new Set<Watcher>();
    this.data.watchers(all);
    this.child.watchers(all);
    return all.size;
  }
}
