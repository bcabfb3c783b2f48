"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";

/**
 * Delete a znode and everything under it, after a preview: the znodes that will go (deepest
 * first), what each one is in Tandem and what follows its deletion. The server deletes exactly
 * the previewed set (a fingerprint), so a subtree that changed meanwhile is refused, not half-done.
 * The preview stays live: watch events invalidate it.
 */
export function ZkDeletePanel({ path, disabled, why, onDeleted }: { path: string; disabled: boolean; why?: string; onDeleted: () => void }): ReactNode {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const preview = useQuery({ ...trpc.zk.deletePreview.queryOptions({ path }), enabled: open });
  const del = useMutation(
    trpc.zk.deleteRecursive.mutationOptions({
      onSuccess: (r) => {
        setOpen(false);
        setMessage(`deleted ${r.deleted} znode${r.deleted === 1 ? "" : "s"}`);
        void queryClient.invalidateQueries({ queryKey: trpc.zk.pathKey() });
        onDeleted();
      },
      onError: (err) => setMessage(`delete failed: ${err.message}`),
    }),
  );
  const p = preview.data;
  const used = p?.znodes.filter((z) => z.impact !== null) ?? [];
  return (
    <fieldset disabled={disabled} title={why}>
      <legend>Delete</legend>
      {!open && (
        <button
          type="button"
          className="danger"
          onClick={() => {
            setMessage(null);
            setOpen(true);
          }}
          data-testid="zk-delete"
        >
          Delete {path}…
        </button>
      )}
      {open && preview.error && <p className="error">{preview.error.message}</p>}
      {open && p && (
        <div className="panel notice" data-testid="zk-delete-preview">
          <p data-testid="zk-delete-summary">
            {p.tooMany
              ? `More than ${p.limit} znodes are under ${p.path}; delete its subtrees one by one.`
              : `${p.znodes.length} znode${p.znodes.length === 1 ? "" : "s"} will be deleted${used.length > 0 ? `, ${used.length} of them used by Tandem` : ""}:`}
          </p>
          <ul className="deletelist">
            {p.znodes.map((z) => (
              <li key={z.path} data-testid="zk-delete-item">
                <code>{z.path}</code>
                {z.ephemeralOwner !== "0x0" && <span className="badge">ephemeral of session {z.ephemeralOwner}</span>}
                {z.impact !== null && (
                  <p className="error" data-testid="zk-delete-impact">
                    {z.impact}
                  </p>
                )}
                {z.impact === null && z.meaning !== null && <p className="muted">{z.meaning}</p>}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="danger"
            disabled={p.tooMany || del.isPending}
            onClick={() => del.mutate({ path: p.path, fingerprint: p.fingerprint })}
            data-testid="zk-delete-confirm"
          >
            Delete {p.znodes.length} znode{p.znodes.length === 1 ? "" : "s"}
          </button>
          <button type="button" onClick={() => setOpen(false)} data-testid="zk-delete-cancel">
            Cancel
          </button>
        </div>
      )}
      {message !== null && <p className="message" data-testid="zk-delete-message">{message}</p>}
    </fieldset>
  );
}
