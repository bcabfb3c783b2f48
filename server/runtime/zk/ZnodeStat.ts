import type { Stat } from "node-zookeeper-client";

/**
 * A znode's Stat in plain values. Zxids are 64-bit and can exceed 2^53, so they stay bigint;
 * times are epoch milliseconds (safe as number until year 287396). The session owning an
 * ephemeral is a hex string so it compares directly with CoordinationClient.sessionIdHex.
 */
export interface ZnodeStat {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  /** Session id (16 hex digits) of the owner of an ephemeral node; null for persistent nodes. */
  ephemeralOwner: string | null;
  dataLength: number;
  numChildren: number;
}

/** Converts the library's Stat record (longs as 8-byte big-endian Buffers). */
export function toZnodeStat(stat: Stat): ZnodeStat {
  const owner = stat.ephemeralOwner.readBigInt64BE(0);
  return {
    czxid: stat.czxid.readBigInt64BE(0),
    mzxid: stat.mzxid.readBigInt64BE(0),
    pzxid: stat.pzxid.readBigInt64BE(0),
    ctime: Number(stat.ctime.readBigInt64BE(0)),
    mtime: Number(stat.mtime.readBigInt64BE(0)),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: owner === 0n ? null : stat.ephemeralOwner.toString("hex"),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}
