"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";

type Action = "purge" | "delete";

/**
 * Purge or delete every destination the list's current filter matches, after a preview: which
 * destinations, which are left alone and why, how many messages go. The server re-resolves the
 * filter and refuses if it now matches something other than what was previewed.
 */
export function BulkActions({ selection }: { selection: { filter?: string; kind?: "queue" | "topic"; group?: string } }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<Action | null>(null);
  const preview = useQuery({ ...trpc.destinations.bulkPreview.queryOptions({ action: action ?? "purge", selection }), enabled: action !== null });
  const apply = useMutation(
    trpc.destinations.bulkApply.mutationOptions({
      onSuccess: () => {
        setAction(null);
        void queryClient.invalidateQueries({ queryKey: trpc.destinations.pathKey() });
      },
    }),
  );
  const may = can("destinations.bulkApply");
  const why = may ? undefined : "needs the operator role";
  const p = preview.data;
  const described = [selection.filter ? `name contains "${selection.filter}"` : null, selection.kind ?? null, selection.group ? `in ${selection.group}` : null].filter((x) => x !== null).join(", ");
  return (
    <div className="bulk-actions" data-testid="bulk-actions">
      <button type="button" disabled={!may} title={why} onClick={() => (apply.reset(), setAction("purge"))} data-testid="bulk-purge">
        Purge all shown…
      </button>
      <button type="button" className="danger" disabled={!may} title={why} onClick={() => (apply.reset(), setAction("delete"))} data-testid="bulk-delete">
        Delete all shown…
      </button>
      {apply.data && (
        <span className="notice" data-testid="bulk-result">
          {apply.data.done} done{apply.data.failed > 0 ? `, ${apply.data.failed} failed` : ""}, {apply.data.messages} messages removed
        </span>
      )}
      {action !== null && (
        <div className="panel notice" data-testid="bulk-preview">
          {preview.error && <p className="error">{preview.error.message}</p>}
          {p && (
            <>
              <p data-testid="bulk-summary">
                {p.tooMany
                  ? "The filter matches more than 500 destinations; narrow it first."
                  : `${action === "purge" ? "Purge" : "Delete"} ${p.count} destination${p.count === 1 ? "" : "s"} (${described || "all"}): ${p.messages} message${p.messages === 1 ? "" : "s"} will be removed${p.skipped > 0 ? `; ${p.skipped} left alone` : ""}.`}
              </p>
              <ul className="deletelist">
                {p.items.map((i) => (
                  <li key={`${i.group} ${i.name}`} data-testid="bulk-item">
                    {i.group} <code>{i.name}</code> — {i.depth} messages{i.skipped !== null ? ` (skipped: ${i.skipped})` : ""}
                  </li>
                ))}
              </ul>
              <button
                type="button"
                className="danger"
                disabled={p.tooMany || p.count === 0 || apply.isPending}
                onClick={() => apply.mutate({ action, selection, fingerprint: p.fingerprint })}
                data-testid="bulk-confirm"
              >
                {action === "purge" ? "Purge" : "Delete"} {p.count} destination{p.count === 1 ? "" : "s"}
              </button>
              <button type="button" onClick={() => setAction(null)}>
                Cancel
              </button>
              {apply.error && <p className="error" data-testid="bulk-error">{apply.error.message}</p>}
            </>
          )}
        </div>
      )}
    </div>
  );
}
