"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
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
  const [draft, setDraft] = useState("");
  const [encoding, setEncoding] = useState<Encoding>("text");
  const [childName, setChildName] = useState("");
  const [childData, setChildData] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (q.data?.dataBase64 != null) {
      setDraft(new TextDecoder().decode(Uint8Array.from(atob(q.data.dataBase64), (c) => c.charCodeAt(0))));
    } else setDraft("");
    setEncoding("text");
  }, [q.data?.path, q.data?.stat.mZxid, q.data?.dataBase64]);

  const report = (verb: string) => ({
    onSuccess: () => setMessage(`${verb}: ok`),
    onError: (err: { message: string; data?: { reason?: string | null } | null }) =>
      setMessage(`${verb} failed: ${err.data?.reason ?? ""} ${err.message}`.trim()),
  });
  const set = useMutation(trpc.zk.set.mutationOptions(report("save")));
  const create = useMutation(trpc.zk.create.mutationOptions(report("create")));
  const del = useMutation(
    trpc.zk.delete.mutationOptions({
      ...report("delete"),
      onSuccess: () => {
        setMessage("delete: ok");
        onNavigate(path.slice(0, path.lastIndexOf("/")) || "/");
      },
    }),
  );

  if (q.isLoading) return <p>Loading {path}…</p>;
  if (q.error) return <p className="error" data-testid="zk-error">{q.error.message}</p>;
  const node = q.data!;
  const mayWrite = can("zk.set");
  const why = mayWrite ? undefined : "needs the operator role";
  return (
    <div className="panel">
      <h2 data-testid="zk-path">{node.path}</h2>
      <DataView dataBase64={node.dataBase64} truncated={node.truncated} totalLength={node.stat.dataLength} />
      <StatTable stat={node.stat} />
      {message !== null && <p className="message" data-testid="zk-message">{message}</p>}
      <fieldset disabled={!mayWrite || node.truncated} title={why ?? (node.truncated ? "data too big to edit here" : undefined)}>
        <legend>Edit data (expects dataVersion {node.stat.dataVersion})</legend>
        <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={6} data-testid="zk-edit" />
        <select value={encoding} onChange={(e) => setEncoding(e.target.value as Encoding)} data-testid="zk-edit-encoding">
          <option value="text">text</option>
          <option value="json">json</option>
          <option value="hex">hex</option>
          <option value="base64">base64</option>
        </select>
        <button type="button" onClick={() => set.mutate({ path: node.path, data: draft, encoding, version: node.stat.dataVersion })} data-testid="zk-save">
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
