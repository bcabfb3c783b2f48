// Transactions: the deterministic, already-validated state changes that the prepare stage
// produces, the sync stage logs and the final stage applies (ZooKeeper's TxnHeader + *Txn).
// Every replica of the tree (prepared, committed, recovered) applies the same txns in the same
// order and must reach the same state, so a txn carries everything that was decided at
// prepare time: the final sequential path, the new version, the time.
import { JuteError, JuteReader, JuteWriter } from "./jute";
import { readAcl, writeAcl, type Acl } from "./protocol";

export type TxnOp =
  | { type: "create"; path: string; data: Buffer | null; acl: Acl[]; ephemeralOwner: bigint }
  | { type: "delete"; path: string }
  | { type: "setData"; path: string; data: Buffer | null; version: number }
  | { type: "setACL"; path: string; acl: Acl[]; version: number }
  | { type: "check"; path: string }
  | { type: "multi"; ops: TxnOp[] }
  | { type: "createSession"; timeout: number }
  | { type: "closeSession" };

export interface Txn {
  zxid: number;
  time: number;
  sessionId: bigint;
  op: TxnOp;
}

const TAG: Record<TxnOp["type"], number> = {
  create: 1,
  delete: 2,
  setData: 5,
  setACL: 7,
  check: 13,
  multi: 14,
  createSession: -10,
  closeSession: -11,
};

function writeOp(w: JuteWriter, op: TxnOp): void {
  w.int(TAG[op.type]);
  switch (op.type) {
    case "create":
      w.ustring(op.path).buffer(op.data).vector(op.acl, writeAcl).long(op.ephemeralOwner);
      break;
    case "delete":
    case "check":
      w.ustring(op.path);
      break;
    case "setData":
      w.ustring(op.path).buffer(op.data).int(op.version);
      break;
    case "setACL":
      w.ustring(op.path).vector(op.acl, writeAcl).int(op.version);
      break;
    case "multi":
      w.vector(op.ops, writeOp);
      break;
    case "createSession":
      w.int(op.timeout);
      break;
    case "closeSession":
      break;
  }
}

/**
 * Copy, because the log buffer the record came from is reused and the tree keeps this data;
 * null is preserved because ZooKeeper distinguishes null data (length -1) from empty data.
 */
export function copyOrNull(b: Buffer | null): Buffer | null {
  return b === null ? null : Buffer.from(b);
}

function readOp(r: JuteReader): TxnOp {
  const tag = r.int();
  switch (tag) {
    case 1: {
      const path = r.string();
      const data = copyOrNull(r.buffer());
      return { type: "create", path, data, acl: r.vector(readAcl) ?? [], ephemeralOwner: r.long() };
    }
    case 2:
      return { type: "delete", path: r.string() };
    case 13:
      return { type: "check", path: r.string() };
    case 5: {
      const path = r.string();
      const data = copyOrNull(r.buffer());
      return { type: "setData", path, data, version: r.int() };
    }
    case 7:
      return { type: "setACL", path: r.string(), acl: r.vector(readAcl) ?? [], version: r.int() };
    case 14:
      return { type: "multi", ops: r.vector(readOp) ?? [] };
    case -10:
      return { type: "createSession", timeout: r.int() };
    case -11:
      return { type: "closeSession" };
    default:
      throw new JuteError(`unknown txn tag ${tag}`);
  }
}

export function encodeTxn(txn: Txn): Buffer {
  const w = new JuteWriter(128);
  w.longNumber(txn.zxid).longNumber(txn.time).long(txn.sessionId);
  writeOp(w, txn.op);
  return Buffer.from(w.toBuffer());
}

export function decodeTxn(buf: Buffer): Txn {
  const r = new JuteReader(buf);
  const zxid = r.longNumber();
  const time = r.longNumber();
  const sessionId = r.long();
  const op = readOp(r);
  if (r.remaining() !== 0) throw new JuteError(`${r.remaining()} trailing bytes after txn`);
  return { zxid, time, sessionId, op };
}
