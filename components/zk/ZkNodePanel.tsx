"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { base64ToBytes } from "./decodeForView";
import { DataView } from "./DataView";
import { ZkAclTable } from "./ZkAclTable";
import { ZkCreateChild } from "./ZkCreateChild";
import { ZkDeletePanel } from "./ZkDeletePanel";
import { convertDraft, encodeDraft, initialEncoding, type EditEncoding as Encoding } from "./editorEncoding";
import { StatTable } from "./StatTable";

/** One znode: data, stat, and (for operators) edit / create child / delete with version checks. */
export function ZkNodePanel({ path, onNavigate }: { path: string; onNavigate: (path: string) => void }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const q = useQuery(trpc.zk.get.queryOptions({ path }));
  const meaning = useQuery(trpc.zk.annotate.queryOptions({ path }));
  const [draft, setDraft] = useState("");
  /** What the draft was loaded from: saving sends this version, so a concurrent change is refused. */
  const [base, setBase] = useState<{ path: string; version: number; text: string } | null>(null);
  const [encoding, setEncoding] = useState<Encoding>("text");
  const [message, setMessage] = useState<string | null>(null);
  /** Set when a save was refused because someone else changed the znode first (409). */
  const [conflict, setConflict] = useState<{ draft: string; encoding: Encoding } | null>(null);

  /** Makes the server's data the clean draft, in an encoding that round-trips it (text for UTF-8, else hex). */
  const loadDraft = (node: { path: string; dataBase64: string | null; stat: { dataVersion: number } }): void => {
    const bytes = node.dataBase64 === null ? new Uint8Array(0) : base64ToBytes(node.dataBase64);
    const enc = initialEncoding(bytes);
    const text = encodeDraft(bytes, enc) ?? "";
    setBase({ path: node.path, version: node.stat.dataVersion, text });
    setDraft(text);
    setEncoding(enc);
  };

  const data = q.data;
  useEffect(() => {
    if (data === undefined) return;
    // A live update must not overwrite what the operator is typing: reload only a clean draft.
    const dirty = base !== null && base.path === data.path && draft !== base.text;
    if (!dirty) {
      loadDraft(data);
      setConflict(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reacts to server data only
  }, [data?.path, data?.stat.mZxid, data?.dataBase64]);

  const queryClient = useQueryClient();
  // The tree and this panel show the result of our own change without waiting for a push.
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: trpc.zk.pathKey() });
  const report = (verb: string) => ({
    onSuccess: () => {
      setMessage(`${verb}: ok`);
      refresh();
    },
    onError: (err: { message: string; data?: { reason?: string | null } | null }) =>
      setMessage(`${verb} failed: ${err.data?.reason ?? ""} ${err.message}`.trim()),
  });
  const set = useMutation(
    trpc.zk.set.mutationOptions({
      ...report("save"),
      onSuccess: (r, input) => {
        setMessage("save: ok");
        setConflict(null);
        // The saved text is now the clean base, at the version the server assigned.
        setBase({ path: input.path, version: r.stat.dataVersion, text: input.data });
        refresh();
      },
      onError: (err, input) => {
        if (err.data?.reason === "BAD_VERSION") {
          // Not a failure to report as a code: show what is on the server now and let the operator choose.
          setMessage(null);
          setConflict({ draft: input.data, encoding: input.encoding ?? "text" });
          void q.refetch();
          return;
        }
        setMessage(`save failed: ${err.message}`);
      },
    }),
  );

  if (q.isLoading) return <p>Loading {path}…</p>;
  if (q.error) return <p className="error" data-testid="zk-error">{q.error.message}</p>;
  const node = q.data!;
  const mayWrite = can("zk.set");
  const editVersion = base !== null && base.path === node.path ? base.version : node.stat.dataVersion;
  const why = mayWrite ? undefined : "needs the operator role";
  return (
    <div className="panel">
      <h2 data-testid="zk-path">{node.path}</h2>
      {meaning.data?.annotation && (
        <p className="annotation" data-testid="zk-annotation">
          {meaning.data.annotation}
        </p>
      )}
      {node.ownedByConsole && (
        <p className="notice" data-testid="zk-owned-by-console">
          Ephemeral, owned by this console&apos;s coordinator session {node.stat.ephemeralOwner}: it disappears when the console stops or loses its
          session.
        </p>
      )}
      <DataView dataBase64={node.dataBase64} truncated={node.truncated} totalLength={node.stat.dataLength} />
      <StatTable stat={node.stat} />
      <ZkAclTable path={node.path} />
      {message !== null && <p className="message" data-testid="zk-message">{message}</p>}
      <fieldset disabled={!mayWrite || node.truncated} title={why ?? (node.truncated ? "data too big to edit here" : undefined)}>
        <legend>Edit data (expects dataVersion {editVersion})</legend>
        {editVersion !== node.stat.dataVersion && (
          <p className="notice" data-testid="zk-stale">
            Changed on the server since you started editing (now dataVersion {node.stat.dataVersion}); saving will be refused.
          </p>
        )}
        <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={6} data-testid="zk-edit" />
        <select
          value={encoding}
          onChange={(e) => {
            // Re-spell the draft in the new encoding; refuse a switch that would lose bytes.
            const to = e.target.value as Encoding;
            const r = convertDraft(draft, encoding, to);
            if ("error" in r) {
              setMessage(`cannot show this data as ${to}: ${r.error}`);
              return;
            }
            const clean = base !== null && draft === base.text;
            setDraft(r.draft);
            if (clean && base !== null) setBase({ ...base, text: r.draft });
            setEncoding(to);
          }}
          data-testid="zk-edit-encoding"
        >
          <option value="text">text</option>
          <option value="json">json</option>
          <option value="hex">hex</option>
          <option value="base64">base64</option>
        </select>
        <button type="button" onClick={() => set.mutate({ path: node.path, data: draft, encoding, version: editVersion })} data-testid="zk-save">
          Save
        </button>
      </fieldset>
      {conflict !== null && (
        <div className="panel notice" role="alert" data-testid="zk-conflict">
          <p>
            Not saved: {node.path} was changed by someone else while you edited it. The server now has dataVersion{" "}
            <span data-testid="zk-conflict-version">{node.stat.dataVersion}</span> (its data is shown above); your draft is still in the editor.
          </p>
          <button
            type="button"
            onClick={() => {
              // Discard the draft: edit what the server has now.
              loadDraft(node);
              setConflict(null);
            }}
            data-testid="zk-conflict-reload"
          >
            Discard mine, load the server&apos;s version
          </button>
          <button
            type="button"
            className="danger"
            disabled={!mayWrite}
            onClick={() => set.mutate({ path: node.path, data: conflict.draft, encoding: conflict.encoding, version: node.stat.dataVersion })}
            data-testid="zk-conflict-overwrite"
          >
            Overwrite dataVersion {node.stat.dataVersion} with mine
          </button>
        </div>
      )}
      <ZkCreateChild key={`create-${node.path}`} parent={node.path} disabled={!can("zk.create")} why={why} />
      <ZkDeletePanel
        key={`delete-${node.path}`}
        path={node.path}
        disabled={!can("zk.deleteRecursive") || node.path === "/"}
        why={why}
        onDeleted={() => onNavigate(node.path.slice(0, node.path.lastIndexOf("/")) || "/")}
      />
    </div>
  );
}
