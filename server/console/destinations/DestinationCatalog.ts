import { adminAppError } from "../admin/adminAppError";
import { counterRate } from "./counterRates";
import type { DestinationRow, DestinationListRow } from "./destinationRow";
import { servingMaster, type DestinationCluster, type PolledNodes } from "./DestinationCluster";

/** The admin API's largest page (server/runtime/admin/paging.ts MAX_PAGE). */
const ADMIN_PAGE = 1000;
/** Rates need observations at least this far apart to mean anything. */
const MIN_RATE_INTERVAL_MS = 1000;

export interface GroupSnapshot {
  group: string;
  node: string;
  at: number;
  rows: DestinationListRow[];
}

export interface GroupState {
  group: string;
  master: string | null;
  /** When the rows were read from the master (null: never). */
  asOf: number | null;
  error: string | null;
}

interface Entry {
  snap: GroupSnapshot | null;
  /** Counter observations used for rates: the last two snapshots' (node, at, name → counters). */
  history: Array<{ node: string; at: number; counters: Map<string, { enq: number; deq: number }> }>;
  refreshing: Promise<GroupSnapshot> | null;
  error: string | null;
}

export interface CatalogOptions {
  cluster: () => (DestinationCluster & PolledNodes) | null;
  /** A snapshot younger than this is served as is. */
  freshMs?: number;
  /** Older than freshMs but younger than this: served at once while a refresh runs behind it. */
  staleMs?: number;
  now?: () => number;
}

/**
 * Every group's destinations as its master reports them, read through the master's admin API a
 * page of 1000 at a time and kept briefly. A list request is answered from memory; a snapshot
 * past `freshMs` is refreshed behind the answer (single flight per group), so 10,000
 * destinations cost one pass over the admin API per few seconds while someone looks, and nothing
 * while nobody does (no timers here). Mutations invalidate their group's snapshot.
 */
export class DestinationCatalog {
  private readonly entries = new Map<string, Entry>();
  private merged: { parts: DestinationListRow[][]; rows: DestinationListRow[] } | null = null;
  private readonly freshMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;

  constructor(private readonly o: CatalogOptions) {
    this.freshMs = o.freshMs ?? 5_000;
    this.staleMs = o.staleMs ?? 30_000;
    this.now = o.now ?? Date.now;
  }

  private entry(group: string): Entry {
    let e = this.entries.get(group);
    if (e === undefined) this.entries.set(group, (e = { snap: null, history: [], refreshing: null, error: null }));
    return e;
  }

  /** Rows of every group (or one), plus each group's state; a group whose master fails shows its error. */
  async rows(groupFilter?: string): Promise<{ rows: DestinationListRow[]; groups: GroupState[] }> {
    const cluster = this.o.cluster();
    if (cluster === null) return { rows: [], groups: [] };
    const groups = cluster.groups.map((g) => g.name).filter((g) => groupFilter === undefined || g === groupFilter);
    const results = await Promise.all(
      groups.map(async (group): Promise<{ state: GroupState; rows: DestinationListRow[] }> => {
        const master = servingMaster(cluster, group);
        try {
          const snap = await this.snapshot(group);
          return { state: { group, master, asOf: snap.at, error: this.entry(group).error }, rows: snap.rows };
        } catch (err) {
          return { state: { group, master, asOf: null, error: (err as Error).message }, rows: [] };
        }
      }),
    );
    // The same snapshots give the same merged array, so callers may cache by its identity.
    const parts = results.map((r) => r.rows);
    const last = this.merged;
    if (last === null || last.parts.length !== parts.length || last.parts.some((p, i) => p !== parts[i])) this.merged = { parts, rows: parts.flat() };
    return { rows: this.merged!.rows, groups: results.map((r) => r.state) };
  }

  /** One group's snapshot: fresh from memory, stale while refreshing, or read now. */
  async snapshot(group: string): Promise<GroupSnapshot> {
    const e = this.entry(group);
    const cluster = this.o.cluster();
    const master = cluster === null ? null : servingMaster(cluster, group);
    const snap = e.snap;
    const age = snap === null ? Infinity : this.now() - snap.at;
    // A snapshot read from a node that is no longer master is wrong, not just old.
    const sameMaster = snap !== null && snap.node === master;
    if (snap !== null && sameMaster && age < this.freshMs) return snap;
    if (snap !== null && sameMaster && age < this.staleMs) {
      void this.refresh(group).catch(() => undefined);
      return snap;
    }
    return this.refresh(group);
  }

  invalidate(group: string): void {
    const e = this.entries.get(group);
    if (e !== undefined) e.snap = null;
  }

  private refresh(group: string): Promise<GroupSnapshot> {
    const e = this.entry(group);
    if (e.refreshing !== null) return e.refreshing;
    const p = this.read(group).then(
      (snap) => {
        e.snap = snap;
        e.error = null;
        e.refreshing = null;
        return snap;
      },
      (err: unknown) => {
        e.error = (err as Error).message;
        e.refreshing = null;
        throw err;
      },
    );
    e.refreshing = p;
    return p;
  }

  private async read(group: string): Promise<GroupSnapshot> {
    const cluster = this.o.cluster();
    if (cluster === null) throw new Error("no cluster attached");
    const node = servingMaster(cluster, group);
    if (node === null) throw new Error(`group ${group} has no master right now`);
    const at = this.now();
    const seen = new Map<string, DestinationRow>();
    let total = Infinity;
    // Pages in name order: stable under concurrent creates (a row may shift by one; the map dedupes).
    for (let offset = 0; offset < total; offset += ADMIN_PAGE) {
      let page: { total: number; items: DestinationRow[] };
      try {
        page = await cluster.admin.listDestinations(node, { offset, limit: ADMIN_PAGE, sort: "name", order: "asc" });
      } catch (err) {
        throw adminAppError(err, `listing destinations of ${group} on ${node}`);
      }
      total = page.total;
      for (const r of page.items) seen.set(r.name, r);
      if (page.items.length === 0) break;
    }
    const e = this.entry(group);
    // Rates against the newest earlier observation of the same node that is far enough back.
    const base = e.history.filter((h) => h.node === node && at - h.at >= MIN_RATE_INTERVAL_MS).at(-1);
    const counters = new Map<string, { enq: number; deq: number }>();
    const rows: DestinationListRow[] = [];
    for (const r of seen.values()) {
      counters.set(r.name, { enq: r.enqueued, deq: r.dequeued });
      const prev = base?.counters.get(r.name);
      rows.push({
        ...r,
        group,
        node,
        inPerSec: prev === undefined || base === undefined ? null : counterRate({ at: base.at, value: prev.enq }, { at, value: r.enqueued }),
        outPerSec: prev === undefined || base === undefined ? null : counterRate({ at: base.at, value: prev.deq }, { at, value: r.dequeued }),
      });
    }
    const last = e.history.at(-1);
    // Keep the older baseline when refreshes come faster than MIN_RATE_INTERVAL_MS (e.g. after a mutation).
    if (last === undefined || last.node !== node || at - last.at >= MIN_RATE_INTERVAL_MS) e.history = [...e.history.slice(-1), { node, at, counters }];
    return { group, node, at, rows };
  }
}
