"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { DataView } from "./DataView";
import { StatTable } from "./StatTable";

type Encoding = "text" | "json" | "hex" | "base64";

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
  const [childName, setChildName] = useState("");
  const [childData, setChildData] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  const data = q.data;
  useEffect(() => {
    if (data === undefined) return;
    const text = data.dataBase64 === null ? "" : new TextDecoder().decode(Uint8Array.from(atob(data.dataBase64), (c) => c.charCodeAt(0)));
    // A live update must not overwrite what the operator is typing: reload only a clean draft.
    const dirty = base !== null && base.path === data.path && draft !== base.text;
    if (!dirty) {
      setBase({ path: data.path, version: data.stat.dataVersion, text });
      setDraft(text);
      setEncoding("text");
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
        // The saved text is now the clean base, at the version the server assigned.
        setBase({ path: input.path, version: r.stat.dataVersion, text: input.data });
        refresh();
      },
    }),
  );
  const create = useMutation(trpc.zk.create.mutationOptions(report("create")));
  const del = useMutation(
    trpc.zk.delete.mutationOptions({
      ...report("delete"),
      onSuccess: () => {
        setMessage("delete: ok");
        refresh();
        onNavigate(path.slice(0, path.lastIndexOf("/")) || "/");
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
      <DataView dataBase64={node.dataBase64} truncated={node.truncated} totalLength={node.stat.dataLength} />
      <StatTable stat={node.stat} />
      {message !== null && <p className="message" data-testid="zk-message">{message}</p>}
      <fieldset disabled={!mayWrite || node.truncated} title={why ?? (node.truncated ? "data too big to edit here" : undefined)}>
        <legend>Edit data (expects dataVersion {editVersion})</legend>
        {editVersion !== node.stat.dataVersion && (
          <p className="notice" data-testid="zk-stale">
            Changed on the server since you started editing (now dataVersion {node.stat.dataVersion}); saving will be refused.
          </p>
        )}
        <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={6} data-testid="zk-edit" />
        <select value={encoding} onChange={(e) => setEncoding(e.target.value as Encoding)} data-testid="zk-edit-encoding">
          <option value="text">text</option>
          <option value="json">json</option>
          <option value="hex">hex</option>
          <option value="base64">base64</option>
        </select>
        <button type="button" onClick={() => set.mutate({ path: node.path, data: draft, encoding, version: editVersion })} data-testid="zk-save">
          Save
        </button>
      </fieldset>
      <fieldset disabled={!can("zk.create")} title={why}>
        <legend>Create child</legend>
        <input placeholder="name" value={childName} onChange={(e) => setChildName(e.target.value)} data-testid="zk-child-name" />
        <input placeholder="data (text)" value={childData} onChange={(e) => setChildData(e.target.value)} data-testid="zk-child-data" />
        <button
          type="button"
          disabled={childName === ""}
          onClick={() => create.mutate({ path: `${node.path === "/" ? "" : node.path}/${childName}`, data: childData, encoding: "text", mode: "persistent" })}
          data-testid="zk-create"
        >
          Create
        </button>
      </fieldset>
      <fieldset disabled={!can("zk.delete") || node.path === "/"} title={why}>
        <legend>Delete</legend>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete ${node.path} (dataVersion ${node.stat.dataVersion})?`)) del.mutate({ path: node.path, version: node.stat.dataVersion });
          }}
          data-testid="zk-delete"
        >
          Delete {node.path}
        </button>
      </fieldset>
    </div>
  );
}
