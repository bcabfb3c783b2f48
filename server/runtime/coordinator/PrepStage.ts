// Stage 1 of the pipeline (ZooKeeper's PrepRequestProcessor): turns each write into a txn
// with the next zxid, validating it against the prepared tree and applying it there so the
// requests behind it see its effect. Reads pass through untouched: they are answered by the
// final stage, in order, from the committed tree. Runs synchronously on arrival, so requests
// keep their arrival order.
import type { DataTree } from "./DataTree";
import { prepareOp, prepareSetAcl } from "./prepareOp";
import { Err, KeeperError, OpCode, type MultiOp } from "./protocol";
import type { Request } from "./Request";
import type { SessionTracker } from "./SessionTracker";
import type { TxnOp } from "./txn";

const TWO_32 = 4294967296;

export interface Stage {
  submit(req: Request): void;
}

export class PrepStage implements Stage {
  private counter = 0;

  constructor(
    private readonly tree: DataTree,
    private epoch: number,
    private readonly sessions: SessionTracker,
    private readonly next: Stage,
    private readonly now: () => number = Date.now,
    /** zookeeper.extendedTypesEnabled: allow TTL nodes. */
    private readonly extendedTypes = false,
  ) {}

  private nextZxid(): number {
    // A full counter starts a new epoch, as a ZooKeeper leader election would.
    if (this.counter >= 0xffffffff) {
      this.epoch++;
      this.counter = 0;
    }
    return this.epoch * TWO_32 + ++this.counter;
  }

  private releaseZxid(): void {
    this.counter--;
  }

  submit(req: Request): void {
    try {
      this.prepare(req);
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      req.err = e.code;
    }
    this.next.submit(req);
  }

  private prepare(req: Request): void {
    const body = req.body;
    const ctx = { sessionId: req.sessionId, ids: req.ids, extendedTypes: this.extendedTypes };
    switch (body.op) {
      case "createSession":
        this.sessions.add(req.sessionId, body.timeout, this.now());
        this.makeTxn(req, { type: "createSession", timeout: body.timeout });
        return;
      case "closeSession":
      case "expireSession":
        this.sessions.setClosing(req.sessionId);
        this.makeTxn(req, { type: "closeSession" });
        return;
      case "deleteContainer": {
        // Re-checked here: a child may have been created since the container was found empty.
        const n = this.tree.getNode(body.path);
        if (!n || n.children.size > 0) throw new KeeperError(Err.NotEmpty, "container no longer empty");
        this.makeTxn(req, { type: "delete", path: body.path });
        return;
      }
      case "create":
      case "delete":
      case "setData":
        this.makeTxn(req, prepareOp(this.tree, body, ctx));
        return;
      case "check":
        prepareOp(this.tree, body, ctx); // standalone check: validation only, nothing to log
        return;
      case "setACL":
        this.makeTxn(req, prepareSetAcl(this.tree, body.path, body.acl, body.version, ctx));
        return;
      case "multi":
        this.prepareMulti(req, body.ops);
        return;
      default:
        return; // reads and session-less ops
    }
  }

  private makeTxn(req: Request, op: TxnOp): void {
    const txn = { zxid: this.nextZxid(), time: this.now(), sessionId: req.sessionId, op };
    this.tree.apply(txn);
    req.txn = txn;
  }

  /** All or nothing (section 1.(a)20): sub-ops are applied one by one and rolled back on the first failure. */
  private prepareMulti(req: Request, ops: MultiOp[]): void {
    const zxid = this.nextZxid();
    const time = this.now();
    const ctx = { sessionId: req.sessionId, ids: req.ids, extendedTypes: this.extendedTypes };
    const txnOps: TxnOp[] = [];
    this.tree.beginUndo();
    for (let i = 0; i < ops.length; i++) {
      try {
        const op = prepareOp(this.tree, ops[i], ctx);
        this.tree.apply({ zxid, time, sessionId: req.sessionId, op });
        txnOps.push(op);
      } catch (e) {
        if (!(e instanceof KeeperError)) {
          this.tree.rollback();
          throw e;
        }
        this.tree.rollback();
        this.releaseZxid();
        req.multiErrors = ops.map((_, j) => (j < i ? Err.Ok : j === i ? e.code : Err.RuntimeInconsistency));
        return;
      }
    }
    this.tree.commitUndo();
    req.txn = { zxid, time, sessionId: req.sessionId, op: { type: "multi", ops: txnOps } };
  }
}

export const WRITE_OPS: ReadonlySet<number> = new Set([
  OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete,
  OpCode.setData, OpCode.setACL, OpCode.multi, OpCode.closeSession,
]);
