"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc";

/** The znode's ACL as `zkCli getAcl` shows it: scheme:id and the cdrwa letters. */
export function ZkAclTable({ path }: { path: string }): ReactNode {
  const trpc = useTRPC();
  const q = useQuery(trpc.zk.acl.queryOptions({ path }));
  if (q.error) return <p className="error">ACL: {q.error.message}</p>;
  if (!q.data) return null;
  return (
    <table className="stat" data-testid="zk-acl">
      <caption>ACL (aclVersion {q.data.aclVersion})</caption>
      <tbody>
        {q.data.acl.map((a) => (
          <tr key={`${a.scheme}:${a.id}`} data-testid="zk-acl-row">
            <th>
              {a.scheme}:{a.id}
            </th>
            <td title={`permission bits ${a.perms}`}>{a.permsText === "" ? "(none)" : a.permsText}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
