// One-shot data and child watches, per connection (section 1.(a)15-17).
// Src: apache/zookeeper server/watch/WatchManager.java. A Set per path makes a second
// registration of the same (path, kind) on one connection fire only once.
import { EventType } from "./protocol";
import type { WatchTrigger } from "./DataTree";

export interface Watcher {
  /** Delivers a WatcherEvent; called synchronously in apply order, before the write's response. */
  notify(type: number, path: string, zxid: number): void;
}

export class WatchManager {
  private readonly dataWatches = new Map<string, Set<Watcher>>();
  private readonly childWatches = new Map<string, Set<Watcher>>();

  addDataWatch(path: string, w: Watcher): void {
    add(this.dataWatches, path, w);
  }

  addChildWatch(path: string, w: Watcher): void {
    add(this.childWatches, path, w);
  }

  /** Fires and removes the watches a trigger hits. NodeDeleted hits data and child watches, once per watcher. */
  trigger(t: WatchTrigger, zxid: number): number {
    let fired = 0;
    const hit = new Set<Watcher>();
    if (t.type === EventType.NodeCreated || t.type === EventType.NodeDataChanged || t.type === EventType.NodeDeleted) {
      take(this.dataWatches, t.path, hit);
    }
    if (t.type === EventType.NodeChildrenChanged || t.type === EventType.NodeDeleted) {
      take(this.childWatches, t.path, hit);
    }
    for (const w of hit) {
      w.notify(t.type, t.path, zxid);
      fired++;
    }
    return fired;
  }

  removeWatcher(w: Watcher): void {
    for (const table of [this.dataWatches, this.childWatches]) {
      for (const [path, set] of table) {
        if (set.delete(w) && set.size === 0) table.delete(path);
      }
    }
  }

  count(): number {
    let n = 0;
    for (const s of this.dataWatches.values()) n += s.size;
    for (const s of this.childWatches.values()) n += s.size;
    return n;
  }

  pathCount(): number {
    return new Set([...this.dataWatches.keys(), ...this.childWatches.keys()]).size;
  }

  watcherCount(): number {
    const all = new Set<Watcher>();
    for (const s of this.dataWatches.values()) for (const w of s) all.add(w);
    for (const s of this.childWatches.values()) for (const w of s) all.add(w);
    return all.size;
  }
}

function add(table: Map<string, Set<Watcher>>, path: string, w: Watcher): void {
  let set = table.get(path);
  if (!set) table.set(path, (set = new Set()));
  set.add(w);
}

function take(table: Map<string, Set<Watcher>>, path: string, into: Set<Watcher>): void {
  const set = table.get(path);
  if (!set) return;
  table.delete(path);
  for (const w of set) into.add(w);
}
