import { createHash } from "node:crypto";
import type { AuditRepository } from "../../db/auditRepository";
import { AppError } from "../AppError";
import type { Principal } from "../auth/Principal";
import type { DestinationService } from "./DestinationService";
import type { DestinationKind } from "./destinationRow";

export type BulkAction = "purge" | "delete";

/** Which destinations: the ones ticked in the list, or everything a filter matches. */
export type BulkSelection =
  | { targets: Array<{ group: string; name: string }> }
  | { filter?: string; kind?: DestinationKind; group?: string };

export interface BulkItem {
  group: string;
  name: string;
  kind: DestinationKind;
  depth: number;
  consumers: number;
  durableSubscriptions: number;
  /** Why this one will be left alone (null: it will be acted on). */
  skipped: string | null;
}

export interface BulkPreview {
  action: BulkAction;
  items: BulkItem[];
  /** Destinations that will be acted on, and the messages that go with them. */
  count: number;
  messages: number;
  skipped: number;
  /** Selections this large are refused: act on a narrower filter. */
  tooMany: boolean;
  /** Names this exact set; bulkApply refuses when the selection now matches something else. */
  fingerprint: string;
}

/** The API's flat selection (targets win over a filter) as the service's. */
export function toBulkSelection(s: { targets?: Array<{ group: string; name: string }>; filter?: string; kind?: DestinationKind; group?: string }): BulkSelection {
  return s.targets !== undefined ? { targets: s.targets } : { filter: s.filter, kind: s.kind, group: s.group };
}

/** The list endpoint's page bound (listInput.limit): a selection spans one page at most. */
export const MAX_BULK = 500;

/**
 * Purge or delete many destinations at once, after a preview with counts: the same selection is
 * resolved again when applied, and refused if it no longer matches what was previewed. Each
 * destination is one call to its group's master, audited on its own, so a partial failure says
 * exactly which ones were done.
 */
export class BulkDestinationActions {
  constructor(private readonly o: { destinations: DestinationService; audit: AuditRepository }) {}

  async preview(action: BulkAction, selection: BulkSelection): Promise<BulkPreview> {
    const rows = await this.resolve(selection);
    const items = rows.map((r): BulkItem => ({ ...r, skipped: skipReason(action, r) }));
    const acted = items.filter((i) => i.skipped === null);
    return {
      action,
      items,
      count: acted.length,
      messages: acted.reduce((n, i) => n + i.depth, 0),
      skipped: items.length - acted.length,
      tooMany: rows.length > MAX_BULK,
      fingerprint: fingerprintOf(action, items),
    };
  }

  async apply(
    who: { principal: Principal; ip: string | null },
    action: BulkAction,
    selection: BulkSelection,
    fingerprint: string,
  ): Promise<{ done: number; failed: number; messages: number; results: Array<{ group: string; name: string; ok: boolean; messages: number; error: string | null }> }> {
    const p = await this.preview(action, selection);
    if (p.tooMany) throw new AppError("BAD_REQUEST", `the selection matches more than ${MAX_BULK} destinations; narrow the filter`, "TOO_MANY_DESTINATIONS");
    if (p.fingerprint !== fingerprint) {
      throw new AppError("CONFLICT", `the selection changed since the preview (it now matches ${p.items.length} destinations); review the preview again`, "PREVIEW_STALE");
    }
    const results: Array<{ group: string; name: string; ok: boolean; messages: number; error: string | null }> = [];
    for (const item of p.items.filter((i) => i.skipped === null)) {
      let result: (typeof results)[number];
      try {
        const r = action === "purge" ? await this.o.destinations.purge(item.group, item.name, item.name) : await this.o.destinations.delete(item.group, item.name, item.name);
        result = { group: item.group, name: item.name, ok: true, messages: r.purged, error: null };
      } catch (err) {
        result = { group: item.group, name: item.name, ok: false, messages: 0, error: err instanceof Error ? err.message : String(err) };
      }
      results.push(result);
      await this.o.audit.record({
        actor: who.principal.label,
        ip: who.ip,
        action: `destinations.bulk.${action}`,
        target: `${item.group} ${item.name}`,
        result: result.ok ? "ok" : "FAILED",
        detail: result.error?.slice(0, 500) ?? null,
      });
    }
    const ok = results.filter((r) => r.ok);
    return { done: ok.length, failed: results.length - ok.length, messages: ok.reduce((n, r) => n + r.messages, 0), results };
  }

  private async resolve(selection: BulkSelection): Promise<Array<Omit<BulkItem, "skipped">>> {
    const byFilter = "targets" in selection ? {} : selection;
    const page = await this.o.destinations.list({ ...byFilter, sort: "name", order: "asc", offset: 0, limit: MAX_BULK + 1, sparklines: false });
    let rows = page.items;
    if ("targets" in selection) {
      const wanted = new Set(selection.targets.map((t) => `${t.group}\u0000${t.name}`));
      rows = rows.filter((r) => wanted.has(`${r.group}\u0000${r.name}`));
    }
    return rows.map((r) => ({ group: r.group, name: r.name, kind: r.kind, depth: r.depth, consumers: r.consumers, durableSubscriptions: r.durableSubscriptions }));
  }
}

function skipReason(action: BulkAction, r: Omit<BulkItem, "skipped">): string | null {
  if (r.kind === "temp-queue" || r.kind === "temp-topic") return "temporary destinations belong to their connection";
  if (action === "purge") return r.depth === 0 ? "already empty" : null;
  if (r.consumers > 0) return `${r.consumers} consumer(s) attached`;
  if (r.durableSubscriptions > 0) return `${r.durableSubscriptions} durable subscription(s); unsubscribe them first`;
  return null;
}

function fingerprintOf(action: BulkAction, items: readonly BulkItem[]): string {
  const h = createHash("sha256").update(`${action}\n`);
  for (const i of items) h.update(`${i.group}\u0000${i.name}\u0000${i.skipped ?? ""}\n`);
  return h.digest("hex");
}
