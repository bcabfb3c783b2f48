// Stage 3 (ZooKeeper's FinalRequestProcessor): applies durable txns to the committed tree,
// fires the watches they trigger, answers reads, and sends every reply. Runs synchronously
// and in pipeline order, so a watch event always leaves before the reply that reflects it
// (section 1.(a)18) and each session's replies leave in request order (pitfall Z9).
import { permits } from "./acl";
import type { ApplyResult, DataTree } from "./DataTree";
import { JuteWriter } from "./jute";
import { encodeReply, Err, EventType, OpCode, Perms, writeAcl, writeStat, type Id, type MultiOp } from "./protocol";
import type { Request, RequestOrigin } from "./Request";
import type { Stage } from "./PrepStage";
import { WatchMode, type WatchManager } from "./WatchManager";

export interface FinalHooks {
  /** A session ended (closed or expired) and its txn is applied. */
  sessionClosed(sessionId: bigint, expired: boolean): void;
  /** Called after each applied txn, for snapshot scheduling. */
  txnApplied(zxid: number): void;
}

export class FinalStage implements Stage {
  constructor(
    private readonly tree: DataTree,
    private readonly watches: WatchManager,
    private readonly reconfigEnabled: boolean,
    private readonly hooks: FinalHooks,
  ) {}

  submit(req: Request): void {
    let applied: ApplyResult | null = null;
    if (req.txn) {
      applied = this.tree.apply(req.txn);
      for (const t of applied.triggers) this.watches.trigger(t, req.txn.zxid);
      this.hooks.txnApplied(req.txn.zxid);
    }
    const body = req.body;
    if (body.op === "closeSession" || body.op === "expireSession") {
      this.hooks.sessionClosed(req.sessionId, body.op === "expireSession");
    }
    const origin = req.origin;
    if (!origin || !origin.isOpen()) return;
    const zxid = req.txn ? req.txn.zxid : this.tree.lastZxid;
    if (body.op === "createSession") {
      origin.sessionEstablished(req.sessionId, body.timeout);
      return;
    }
    if (body.op === "expireSession" || body.op === "deleteContainer") return;
    const reply = this.reply(req, origin, applied, zxid);
    origin.send(reply);
    origin.noteReply(req.type, req.xid, zxid, req.receivedAt);
    if (body.op === "closeSession") origin.closeGracefully("sessionClosed");
  }

  private reply(req: Request, origin: RequestOrigin, applied: ApplyResult | null, zxid: number): Buffer {
    const body = req.body;
    if (req.multiErrors) {
      // Failed multi: outer err stays 0, every op gets an ErrorResult (section 2.6).
      const errs = req.multiErrors;
      return encodeReply(req.xid, zxid, 0, (w) => {
        for (const e of errs) w.int(-1).bool(false).int(e).int(e);
        w.int(-1).bool(true).int(-1);
      });
    }
    if (req.err !== 0) return encodeReply(req.xid, zxid, req.err);
    const tree = this.tree;
    switch (body.op) {
      case "create": {
        const r = applied!.results[0];
        const withStat = body.type !== OpCode.create;
        return encodeReply(req.xid, zxid, 0, (w) => {
          w.ustring(r.path);
          if (withStat) writeStat(w, r.stat!);
        });
      }
      case "delete":
      case "check":
      case "closeSession":
        return encodeReply(req.xid, zxid, 0);
      case "setData":
      case "setACL":
        return encodeReply(req.xid, zxid, 0, (w) => writeStat(w, applied!.results[0].stat!));
      case "multi":
        return encodeReply(req.xid, zxid, 0, (w) => this.writeMultiResults(w, body.ops, applied!));
      case "exists": {
        const n = tree.getNode(body.path);
        // Section 1.(a)16: exists registers a watch even when the node is missing.
        if (body.watch) this.watches.addDataWatch(body.path, origin);
        if (!n) return encodeReply(req.xid, zxid, Err.NoNode);
        return encodeReply(req.xid, zxid, 0, (w) => writeStat(w, tree.statOf(n)));
      }
      case "getData": {
        const n = tree.getNode(body.path);
        if (!n) return encodeReply(req.xid, zxid, Err.NoNode);
        if (!permits(n.acl, Perms.READ, req.ids)) return encodeReply(req.xid, zxid, Err.NoAuth);
        if (body.watch) this.watches.addDataWatch(body.path, origin);
        return encodeReply(req.xid, zxid, 0, (w) => {
          w.buffer(n.data);
          writeStat(w, tree.statOf(n));
        });
      }
      case "getChildren":
      case "getChildren2": {
        const n = tree.getNode(body.path);
        if (!n) return encodeReply(req.xid, zxid, Err.NoNode);
        if (!permits(n.acl, Perms.READ, req.ids)) return encodeReply(req.xid, zxid, Err.NoAuth);
        if (body.watch) this.watches.addChildWatch(body.path, origin);
        const children = [...n.children].sort();
        return encodeReply(req.xid, zxid, 0, (w) => {
          w.vector(children, (x, c) => x.ustring(c));
          if (body.op === "getChildren2") writeStat(w, tree.statOf(n));
        });
      }
      case "getACL": {
        const n = tree.getNode(body.path);
        if (!n) return encodeReply(req.xid, zxid, Err.NoNode);
        if (!permits(n.acl, Perms.READ, req.ids) && !permits(n.acl, Perms.ADMIN, req.ids)) return encodeReply(req.xid, zxid, Err.NoAuth);
        // Without ADMIN a reader sees digest ids as "user:x": the hash is a password's stand-in.
        const acl = permits(n.acl, Perms.ADMIN, req.ids)
          ? n.acl
          : n.acl.map((a) => (a.id.scheme === "digest" ? { perms: a.perms, id: { scheme: "digest", id: a.id.id.replace(/:.*/s, ":x") } } : a));
        return encodeReply(req.xid, zxid, 0, (w) => {
          w.vector(acl, writeAcl);
          writeStat(w, tree.statOf(n));
        });
      }
      case "sync":
        return encodeReply(req.xid, zxid, 0, (w) => w.ustring(body.path));
      case "setWatches":
        this.setWatches(body, origin);
        // The reply carries the request's xid, as ZooKeeper's (FinalRequestProcessor replies with
        // request.cxid for every op). Java and kazoo send -8, but node-zookeeper-client numbers
        // SetWatches like any request and drops the connection on any other xid: a fixed -8
        // made every reconnect with watches a reconnect loop.
        return encodeReply(req.xid, zxid, 0);
      case "getEphemerals": {
        const list = tree.ephemeralsOf(req.sessionId).filter((p) => p.startsWith(body.prefix)).sort();
        return encodeReply(req.xid, zxid, 0, (w) => w.vector(list, (x, p) => x.ustring(p)));
      }
      case "getAllChildrenNumber": {
        if (!tree.getNode(body.path)) return encodeReply(req.xid, zxid, Err.NoNode);
        return encodeReply(req.xid, zxid, 0, (w) => w.int(tree.countDescendants(body.path)));
      }
      case "whoAmI": {
        // AuthUtil.getClientInfos: scheme and user name; a digest id names its user, not its hash.
        const ids: Id[] = req.ids.filter((i) => i.scheme !== "world");
        const user = (i: Id): string => (i.scheme === "digest" ? i.id.split(":")[0] : i.scheme === "ip" ? i.id : "");
        return encodeReply(req.xid, zxid, 0, (w) => w.vector(ids, (x, i) => x.ustring(i.scheme).ustring(user(i))));
      }
      case "multiRead":
        return encodeReply(req.xid, zxid, 0, (w) => {
          for (const op of body.ops) {
            const n = tree.getNode(op.path);
            const err = !n ? Err.NoNode : !permits(n.acl, Perms.READ, req.ids) ? Err.NoAuth : 0;
            if (err !== 0 || !n) {
              w.int(-1).bool(false).int(err).int(err);
              continue;
            }
            w.int(op.type).bool(false).int(0);
            if (op.type === OpCode.getData) {
              w.buffer(n.data);
              writeStat(w, tree.statOf(n));
            } else {
              w.vector([...n.children].sort(), (x, c) => x.ustring(c));
            }
          }
          w.int(-1).bool(true).int(-1);
        });
      case "addWatch": {
        if (body.mode !== WatchMode.PERSISTENT && body.mode !== WatchMode.PERSISTENT_RECURSIVE) return encodeReply(req.xid, zxid, Err.BadArguments);
        this.watches.addPersistentWatch(body.path, origin, body.mode);
        return encodeReply(req.xid, zxid, 0, (w) => w.int(0)); // ErrorResponse(0)
      }
      case "checkWatches":
      case "removeWatches": {
        const found = body.op === "checkWatches" ? this.watches.contains(body.path, body.type, origin) : this.watches.remove(body.path, body.type, origin);
        return encodeReply(req.xid, zxid, found ? 0 : Err.NoWatcher);
      }
      case "reconfig":
        return encodeReply(req.xid, zxid, this.reconfigEnabled ? Err.Unimplemented : Err.ReconfigDisabled);
      case "unsupported":
        return encodeReply(req.xid, zxid, Err.Unimplemented);
      default:
        return encodeReply(req.xid, zxid, Err.SystemError);
    }
  }

  private writeMultiResults(w: JuteWriter, ops: MultiOp[], applied: ApplyResult): void {
    // Results line up with ops: the tree pushes exactly one result per sub-op.
    ops.forEach((op, i) => {
      const r = applied.results[i];
      switch (op.op) {
        case "create":
          if (op.type === OpCode.create) {
            w.int(OpCode.create).bool(false).int(0).ustring(r.path);
          } else {
            w.int(OpCode.create2).bool(false).int(0).ustring(r.path);
            writeStat(w, r.stat!);
          }
          break;
        case "delete":
          w.int(OpCode.delete).bool(false).int(0);
          break;
        case "setData":
          w.int(OpCode.setData).bool(false).int(0);
          writeStat(w, r.stat!);
          break;
        case "check":
          w.int(OpCode.check).bool(false).int(0);
          break;
      }
    });
    w.int(-1).bool(true).int(-1);
  }

  /** Re-arms watches after a reconnect (section 1.(a)19, DataTree.setWatches). */
  private setWatches(body: { relativeZxid: number; data: string[]; exist: string[]; child: string[]; persistent: string[]; recursive: string[] }, origin: RequestOrigin): void {
    // Persistent watches come back as they were, with no catch-up events (DataTree.setWatches).
    for (const p of body.persistent) this.watches.addPersistentWatch(p, origin, WatchMode.PERSISTENT);
    for (const p of body.recursive) this.watches.addPersistentWatch(p, origin, WatchMode.PERSISTENT_RECURSIVE);
    const rel = body.relativeZxid;
    for (const p of body.data) {
      const n = this.tree.getNode(p);
      if (!n) origin.notify(EventType.NodeDeleted, p, -1);
      else if (n.mzxid > rel) origin.notify(EventType.NodeDataChanged, p, -1);
      else this.watches.addDataWatch(p, origin);
    }
    for (const p of body.exist) {
      if (this.tree.getNode(p)) origin.notify(EventType.NodeCreated, p, -1);
      else this.watches.addDataWatch(p, origin);
    }
    for (const p of body.child) {
      const n = this.tree.getNode(p);
      if (!n) origin.notify(EventType.NodeDeleted, p, -1);
      else if (n.pzxid > rel) origin.notify(EventType.NodeChildrenChanged, p, -1);
      else this.watches.addChildWatch(p, origin);
    }
  }
}
