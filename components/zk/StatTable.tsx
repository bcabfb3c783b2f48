import type { ReactNode } from "react";

export interface ZkStatLike {
  cZxid: string;
  ctime: number;
  mZxid: string;
  mtime: number;
  pZxid: string;
  cversion: number;
  dataVersion: number;
  aclVersion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

/** The Stat rows in `zkCli get -s` order and naming. */
export function StatTable({ stat }: { stat: ZkStatLike }): ReactNode {
  const rows: Array<[string, string]> = [
    ["cZxid", stat.cZxid],
    ["ctime", new Date(stat.ctime).toUTCString()],
    ["mZxid", stat.mZxid],
    ["mtime", new Date(stat.mtime).toUTCString()],
    ["pZxid", stat.pZxid],
    ["cversion", String(stat.cversion)],
    ["dataVersion", String(stat.dataVersion)],
    ["aclVersion", String(stat.aclVersion)],
    ["ephemeralOwner", stat.ephemeralOwner],
    ["dataLength", String(stat.dataLength)],
    ["numChildren", String(stat.numChildren)],
  ];
  return (
    <table className="stat" data-testid="zk-stat">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td data-testid={`stat-${k}`}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
