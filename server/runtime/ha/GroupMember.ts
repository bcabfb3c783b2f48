import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { SessionState } from "../zk/CoordinationClient";
import type { CoordinationApi } from "../zk/CoordinationApi";
import { EphemeralMember } from "../zk/EphemeralMember";
import { GroupWatcher, type GroupMember as WatchedMember } from "../zk/GroupWatcher";
import { decideElection, type ElectionInput } from "./decideElection";
import { eidOf, MEMBER_NAME, parseMemberData, type MemberData } from "./memberData";
import { isCoordinationError } from "../zk/CoordinationError";
import type { MultiOp } from "../zk/MultiOp";

export type GroupRole = "joining" | "slave" | "master" | "stopped";

/** Failed promotions in a row before an elected node steps down. */
const MAX_PROMOTE_FAILURES = 3;
/** Refused reconnects in a row to the elected master that prove nothing listens there any more. */
const DEAD_MASTER_REFUSALS = 2;
/** Delay before following the master again after the replication link dropped. */
const REFOLLOW_DELAY_MS = 50;
/**
 * Refusals prove nothing while this node's own coordinator session is not connected, nor for this
 * long (at most half the session timeout) after it resumes: the master lost the coordinator too
 * (an outage or restart of it), demoted itself and closed its replication port, and re-promotes as
 * soon as its own session resumes. A master that really died meanwhile is still found: its
 * session expires one timeout after the coordinator is back.
 */
const RESUME_GRACE_MS = 1_000;

/** What the node does when its role changes; GroupMember only decides. */
export interface GroupRoleHooks {
  /** Journal end position, published while no master is followed. */
  position(): number;
  /** Number of the last term in the journal (lastLogTerm), published with the position. */
  term(): number;
  /** Become master of term `termId` (a claimed term number); resolves with the addresses to publish. */
  promote(termId: string): Promise<{ replicationAddress: string; clients: string[]; admin: string | null }>;
  /** Stop serving at once (no more receipts, listeners closed). */
  demote(reason: string): Promise<void>;
  /** Replicate from the master at `address` ("tcp://host:port"), which published it for `term`. */
  follow(address: string, masterName: string, term: number | null): Promise<void>;
  unfollow(): Promise<void>;
}

/** Delayed re-evaluation; injectable so the fault simulator can run GroupMember on virtual time. */
export type ScheduleFn = (fn: () => void, ms: number) => void;

const realSchedule: ScheduleFn = (fn, ms) => {
  setTimeout(fn, ms).unref();
};

export interface GroupMemberOptions {
  client: CoordinationApi;
  zkPath: string;
  brokerName: string;
  groupName: string;
  nodeName: string;
  weight: number;
  replicas: number;
  /** This node's admin API URL, published so an attached console can poll every member. */
  admin?: string | null;
  hooks: GroupRoleHooks;
  logger: Logger;
  /** Defaults to an unref'd setTimeout. */
  schedule?: ScheduleFn;
  /** Clock for the resume grace; defaults to Date.now (the simulator passes its virtual clock). */
  now?: () => number;
}

export interface GroupMemberEvents {
  role: [GroupRole, string];
}

/**
 * A node's membership in its HA group, after ActiveMQ's replicated-store election (brokers.md
 * §b1): an ephemeral-sequential member znode under `zkPath`, the lowest member acting as
 * elector, and each node acting on the elector's `elected` field. Every change is evaluated by
 * one serial loop, so promote/demote/follow never interleave.
 *
 * Safety: a master demotes itself the moment its coordinator session is suspended — before the
 * session can expire and another member be elected — so two masters never acknowledge writes.
 */
export class GroupMember extends EventEmitter<GroupMemberEvents> {
  role: GroupRole = "joining";
  private member: EphemeralMember | null = null;
  private watcher: GroupWatcher | null = null;
  private data: MemberData;
  /** `address@term` of the master being followed. */
  private following: string | null = null;
  /** The term of the address being followed (refusals and removals are about that address in that term). */
  private followingTerm: number | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  readonly quorum: number;
  lastDecision = "";
  private promoteFailures = 0;
  /** The term this node serves as master, while it does. */
  private servingTerm: number | null = null;
  private refusals = { key: "", count: 0 };
  /** When the coordinator session last became connected (0: connected from the start). */
  private connectedSince = 0;
  members: Array<{ eid: string; data: MemberData; version: number }> = [];
  /** The group's current term (the term znode), or null before any term was claimed there. */
  currentTerm: number | null = null;
  private readonly schedule: ScheduleFn;
  private readonly now: () => number;

  private readonly onState = (state: SessionState): void => {
    if (state === "connected") this.connectedSince = this.now();
    if (state !== "connected" && this.role === "master") {
      this.o.logger.warn({ state }, "coordinator session not connected: master stops serving now");
      this.stepDown(`coordinator session ${state}`);
    } else {
      this.kick();
    }
  };

  constructor(private readonly o: GroupMemberOptions) {
    super();
    this.quorum = Math.floor(o.replicas / 2) + 1;
    this.schedule = o.schedule ?? realSchedule;
    this.now = o.now ?? Date.now;
    this.data = {
      id: o.brokerName,
      container: o.nodeName,
      // ActiveMQ's six fields first, in Jackson's order (operators and tools read them so).
      address: null,
      position: o.hooks.position(),
      weight: o.weight,
      elected: null,
      term: o.hooks.term(),
      addressTerm: null,
      clients: [],
      group: o.groupName,
      admin: o.admin ?? null,
    };
  }

  get eid(): string | null {
    const name = this.member?.name;
    return name ? eidOf(name) : null;
  }

  async start(): Promise<void> {
    await this.o.client.ensurePath(this.o.zkPath);
    this.o.client.on("state", this.onState);
    await this.register();
    this.watcher = await GroupWatcher.start({ client: this.o.client, path: this.o.zkPath, logger: this.o.logger });
    this.watcher.on("snapshot", () => this.kick());
    this.watcher.on("error", (err) => this.o.logger.error({ err }, "group watcher error"));
    this.kick();
  }

  private async register(): Promise<void> {
    const member = await EphemeralMember.start({
      client: this.o.client,
      prefix: `${this.o.zkPath}/0`,
      data: this.data,
      logger: this.o.logger,
    });
    this.member = member;
    member.on("registered", (name) => {
      this.o.logger.info({ member: name }, "registered as group member");
      this.kick();
    });
    member.on("lost", () => {
      if (this.role === "master") this.stepDown("member znode lost (session expired or znode deleted)");
    });
    member.on("error", (err) => this.o.logger.error({ err }, "group membership error"));
  }

  /**
   * Leaves the group and joins again as a new (youngest) member: used for a planned handover,
   * after the node has stopped serving and its slaves have caught up. The elector then sees the
   * master gone and elects the most up-to-date remaining member; ties go to the older member,
   * so this node does not win its own election back.
   */
  async rejoin(): Promise<void> {
    const old = this.member;
    this.member = null;
    if (this.role === "master") this.setRole("slave", "handover");
    this.servingTerm = null;
    this.following = null;
    this.followingTerm = null;
    this.data = { ...this.data, address: null, addressTerm: null, clients: [], elected: null, position: this.o.hooks.position(), term: this.o.hooks.term() };
    await old?.close();
    await this.register();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.client.off("state", this.onState);
    this.watcher?.close();
    await this.member?.close();
    this.setRole("stopped", "stopping");
  }

  /**
   * Every demotion outside the evaluation loop: the role changes, serving stops at once, and the
   * member data loses its address and clients — a demoted node must not keep advertising a
   * listener it has closed (issue #9, defect 3: re-elected, its slaves followed that stale address
   * before the new listener was open, were refused twice and deleted the new master's znode).
   */
  private stepDown(why: string): void {
    this.setRole("slave", why);
    this.servingTerm = null;
    this.clearAddress();
    this.demoteNow(why);
  }

  /**
   * Drops address, addressTerm and clients from the member data. While the znode cannot be written
   * (session suspended or lost) the cleared data is kept by EphemeralMember and is what the next
   * registration carries.
   */
  private clearAddress(): void {
    if (this.data.address === null && this.data.addressTerm == null && (this.data.clients?.length ?? 0) === 0) return;
    this.data = { ...this.data, address: null, addressTerm: null, clients: [] };
    this.member?.update(this.data).catch((err: unknown) => {
      this.o.logger.warn({ err }, "could not clear the replication address from the member znode yet (the next registration carries none)");
    });
  }

  /** Stops serving at once, outside the evaluation loop; a failure is logged, never left unhandled. */
  private demoteNow(reason: string): void {
    this.o.hooks.demote(reason).then(
      () => this.kick(),
      (err: unknown) => {
        this.o.logger.error({ err, reason }, "demotion failed");
        this.kick();
      },
    );
  }

  /** Re-evaluates soon (coalesced). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      do {
        this.again = false;
        try {
          await this.evaluate();
        } catch (err) {
          this.o.logger.error({ err }, "group evaluation failed; retrying");
          this.schedule(() => this.kick(), 200);
        }
      } while (this.again && !this.stopped);
      this.running = false;
    })();
  }

  /**
   * The follower's link to the master at `address` dropped: follow again shortly. When the master's
   * host refuses the reconnect twice in a row, nothing listens on its replication port any more:
   * the process is gone (kill -9, crash) or has stopped serving (a master closes that port only
   * when it demotes). Waiting for its coordinator session to expire would leave the group without
   * a master for a whole zkSessionTimeout, so the slave deletes that member's znode and the elector
   * elects at once. Safe: a process that does not listen does not acknowledge either, and one that
   * is still alive sees its znode deleted, stays demoted and rejoins as a new member. A master cut
   * off by a partition does not refuse (its packets are dropped), so that case still waits for the
   * session to expire, and the master demotes itself first (see onState).
   */
  followerLost(address: string, refused: boolean): void {
    const term = this.followingTerm;
    this.following = null;
    this.followingTerm = null;
    const grace = Math.min(RESUME_GRACE_MS, this.o.client.sessionTimeoutMs / 2);
    if (!refused || this.o.client.state !== "connected" || this.now() - this.connectedSince < grace) {
      this.refusals = { key: "", count: 0 };
    } else {
      // Refusals count against an address in one term only: a re-elected node's new tenure starts
      // its count afresh.
      const key = `${address}@${term ?? "legacy"}`;
      const count = this.refusals.key === key ? this.refusals.count + 1 : 1;
      this.refusals = { key, count };
      if (count >= DEAD_MASTER_REFUSALS) {
        this.refusals = { key: "", count: 0 };
        void this.removeDeadMaster(address, term).finally(() => this.kick());
        return;
      }
    }
    this.schedule(() => this.kick(), REFOLLOW_DELAY_MS);
  }

  /**
   * Deletes the member znode of the elected master that published `address` for `term` (see
   * followerLost) — only while that is still the master's record for the group's current term, and
   * with the znode version it was seen at, so a master that has meanwhile begun a new tenure (and
   * published a new record) is never removed for the old one's refusals.
   */
  private async removeDeadMaster(address: string, term: number | null): Promise<void> {
    const elector = this.members[0];
    const electedEid = elector?.eid === this.eid ? this.data.elected : elector?.data.elected;
    const master = this.members.find((m) => m.eid === electedEid && m.data.address === address && (m.data.addressTerm ?? null) === term);
    if (!master || master.eid === this.eid) return; // re-elected or already gone meanwhile
    if (!this.addressIsCurrent(master.data)) return; // a newer term began: that record is history
    this.o.logger.warn(
      { master: master.data.container ?? master.eid, address, term },
      "the master refuses replication connections (its process is gone): removing its member znode so the group elects now",
    );
    try {
      await this.o.client.delete(`${this.o.zkPath}/0${master.eid}`, master.version);
    } catch (err) {
      if (isCoordinationError(err, "BAD_VERSION")) {
        this.o.logger.info({ master: master.data.container ?? master.eid }, "the master's member znode changed meanwhile (new tenure?): not removed");
      } else if (!isCoordinationError(err, "NO_NODE")) {
        this.o.logger.warn({ err }, "could not remove the dead master's member znode");
      }
    }
  }

  /**
   * Whether a member's address record belongs to the group's current term. Before any term was
   * claimed (a group of nodes from before terms) there is nothing to compare: legacy records count.
   */
  private addressIsCurrent(d: MemberData): boolean {
    if (!d.address) return false;
    if (this.currentTerm === null) return true;
    return d.addressTerm === this.currentTerm;
  }

  private setRole(role: GroupRole, why: string): void {
    if (this.role === role) return;
    this.role = role;
    this.o.logger.info({ role, why }, `group role: ${role}`);
    this.emit("role", role, why);
  }

  private readMembers(snapshot: WatchedMember[]): Array<ElectionInput & { version: number }> {
    const out: Array<ElectionInput & { version: number }> = [];
    for (const m of snapshot) {
      if (!MEMBER_NAME.test(m.name)) continue;
      const data = parseMemberData(m.data);
      if (data) out.push({ eid: eidOf(m.name), data, version: m.stat.version });
    }
    return out.sort((a, b) => (a.eid < b.eid ? -1 : a.eid > b.eid ? 1 : 0));
  }

  private async publish(patch: Partial<MemberData>): Promise<void> {
    const next = { ...this.data, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.data)) return;
    this.data = next;
    await this.member?.update(this.data);
  }

  private async evaluate(): Promise<void> {
    if (this.stopped || !this.watcher || !this.member) return;
    const myEid = this.eid;
    const snapshot = this.watcher.snapshot;
    const members = this.readMembers(snapshot);
    this.members = members;
    const termNode = snapshot.find((m) => m.name === TERM_ZNODE);
    this.currentTerm = termNode ? parseTermZnode(termNode.data) || null : null;
    const state = this.o.client.state;
    if (!myEid || !members.some((m) => m.eid === myEid) || state !== "connected") {
      if (this.role === "master") {
        const why =
          state !== "connected" ? `coordinator session ${state}` : !myEid ? "member znode not registered (lost with the session or deleted)" : "own member znode missing from the group";
        this.setRole("slave", why);
        this.servingTerm = null;
        await this.o.hooks.demote(why);
        this.clearAddress();
      }
      return;
    }
    if (this.role === "master" && this.servingTerm !== null && this.currentTerm !== null && this.currentTerm > this.servingTerm) {
      // Someone claimed a later term: this tenure is over, whatever this node last read.
      const why = `newer term ${this.currentTerm} seen (serving term ${this.servingTerm})`;
      this.setRole("slave", why);
      this.servingTerm = null;
      await this.o.hooks.demote(why);
      this.clearAddress();
    }
    const elector = members[0];
    if (elector.eid === myEid) {
      const decision = decideElection(members, this.quorum, this.data.elected);
      if (decision.reason !== this.lastDecision) {
        this.lastDecision = decision.reason;
        this.o.logger.info({ elected: decision.elected, members: members.length }, `elector: ${decision.reason}`);
      }
      if (decision.elected !== this.data.elected) await this.publish({ elected: decision.elected });
    }
    // Read the decision back from the elector's znode (our own write included, once it is seen).
    const electedEid = elector.eid === myEid ? this.data.elected : elector.data.elected;
    if (electedEid === myEid) {
      if (this.role !== "master") {
        if (this.following) {
          await this.o.hooks.unfollow();
          this.following = null;
          this.followingTerm = null;
        }
        // The claim is conditional on the decision it acts on (see claimTerm).
        const basis = elector.eid === myEid ? null : { eid: elector.eid, version: elector.version };
        const term = await this.claimTerm(myEid, basis);
        if (term === null) {
          this.o.logger.info({ elector: elector.data.container ?? elector.eid }, "the election changed before a term could be claimed: evaluating again");
          return;
        }
        let addrs: Awaited<ReturnType<GroupRoleHooks["promote"]>>;
        try {
          addrs = await this.o.hooks.promote(String(term));
          this.promoteFailures = 0;
        } catch (err) {
          // Elected but unable to serve (a port taken, a disk error): after a few tries, step down
          // by rejoining as the youngest member so the elector picks another node.
          this.promoteFailures++;
          this.o.logger.error({ err, attempt: this.promoteFailures }, "elected but could not start serving");
          if (this.promoteFailures >= MAX_PROMOTE_FAILURES) {
            this.promoteFailures = 0;
            await this.rejoin();
            return;
          }
          throw err;
        }
        // Promotion takes time (recovery, listeners) and the process may have been paused in it: if
        // the session or the member znode went meanwhile, another node may be master already. What
        // this process last saw proves nothing after a pause, so ask the coordinator (a round trip
        // on this session) before taking the role and publishing the address.
        const lapsed = await this.confirmTenure(myEid, term);
        if (lapsed) {
          this.o.logger.warn({ term, why: lapsed }, "elected, but lost the election while promoting: stepping down at once");
          await this.o.hooks.demote(`${lapsed} while promoting`);
          return;
        }
        this.servingTerm = term;
        this.setRole("master", `elected: ${this.lastDecision || "by the elector"}; serving term ${term}`);
        await this.publish({ address: addrs.replicationAddress, addressTerm: term, clients: addrs.clients, position: -1, term });
      }
      return;
    }
    if (this.role === "master") {
      const other = electedEid ? members.find((m) => m.eid === electedEid) : undefined;
      const why = electedEid
        ? `member ${other?.data.container ?? electedEid} was elected`
        : members.length < this.quorum
          ? `quorum lost (${members.length} of quorum ${this.quorum} members)`
          : "the elector elected nobody";
      this.setRole("slave", why);
      this.servingTerm = null;
      await this.o.hooks.demote(electedEid ? "another member was elected" : "quorum lost");
      await this.publish({ address: null, addressTerm: null, clients: [] });
    }
    if (this.role === "joining") this.setRole("slave", "joined");
    const master = electedEid ? members.find((m) => m.eid === electedEid) : undefined;
    // Only an address of the current term: an elected node's record from an earlier tenure names a
    // listener that is closed (or not open yet); it publishes the new one once it serves.
    const address = master && this.addressIsCurrent(master.data) ? master.data.address : null;
    if (master && address) {
      const key = `${address}@${master.data.addressTerm ?? "legacy"}`;
      if (this.following !== key) {
        if (this.following) await this.o.hooks.unfollow();
        this.following = key;
        this.followingTerm = master.data.addressTerm ?? null;
        await this.publish({ position: -1 });
        await this.o.hooks.follow(address, master.data.container ?? master.eid, master.data.addressTerm ?? null);
      }
      return;
    }
    if (this.following) {
      await this.o.hooks.unfollow();
      this.following = null;
      this.followingTerm = null;
    }
    await this.publish({ position: this.o.hooks.position(), term: this.o.hooks.term() });
  }

  /**
   * Null if, per the coordinator now, this session still owns our member znode and the term znode
   * still holds `term`; else why not. A reply on this session proves it has not expired.
   */
  private async confirmTenure(myEid: string, term: number): Promise<string | null> {
    if (this.stopped) return "stopping";
    if (this.eid !== myEid) return "member znode lost";
    try {
      const own = await this.o.client.exists(`${this.o.zkPath}/0${myEid}`);
      if (!own || own.ephemeralOwner !== this.o.client.sessionIdHex) return "member znode lost";
      const now = parseTermZnode((await this.o.client.getData(`${this.o.zkPath}/${TERM_ZNODE}`))?.data ?? null);
      if (now !== term) return `term ${now} claimed meanwhile`;
      return null;
    } catch (err) {
      return `coordinator could not confirm the tenure (${isCoordinationError(err) ? err.code : String(err)})`;
    }
  }

  /**
   * Claims the next term number for this node's tenure: a conditional setData (or create) on the
   * group's persistent term znode, so two claims can never get the same number — the loser sees
   * BAD_VERSION (NODE_EXISTS) and reads again. The number is above every term ever claimed there
   * and above the last term in this node's own log (which covers a coordinator whose data was
   * wiped: the znode starts again, the logs do not). Real ZooKeeper persists the znode like any
   * other, so it survives coordinator restarts. After CONNECTION_LOSS the write may have applied:
   * the znode is read back and the claim is ours if it carries our claimant tag.
   */
  private async claimTerm(myEid: string, elector: { eid: string; version: number } | null): Promise<number | null> {
    const path = `${this.o.zkPath}/${TERM_ZNODE}`;
    const floor = this.o.hooks.term();
    const by = `${myEid}@${this.o.client.sessionIdHex}`;
    for (let attempt = 1; ; attempt++) {
      const got = await this.o.client.getData(path);
      const next = Math.max(parseTermZnode(got?.data ?? null), floor) + 1;
      const data = Buffer.from(JSON.stringify({ term: next, by }));
      // One transaction: our member znode still exists, the elector's znode is still the version
      // whose `elected` named us (when another member is the elector), and nobody claimed since we
      // read the term. A node acting on a stale view (paused, its znode already deleted, another
      // master elected meanwhile) claims nothing — otherwise the TERM record it writes next would
      // make its log look newer than the real master's acknowledged writes.
      const ops: MultiOp[] = [{ op: "check", path: `${this.o.zkPath}/0${myEid}`, version: -1 }];
      if (elector) ops.push({ op: "check", path: `${this.o.zkPath}/0${elector.eid}`, version: elector.version });
      ops.push(got ? { op: "setData", path, data, version: got.stat.version } : { op: "create", path, data, mode: "persistent" });
      try {
        await this.o.client.multi(ops);
        return next;
      } catch (err) {
        if (isCoordinationError(err, "CONNECTION_LOSS")) {
          const again = await this.o.client.getData(path);
          if (again?.data?.equals(data)) return next;
        } else if (isCoordinationError(err) && err.opIndex !== undefined && err.opIndex < ops.length - 1) {
          return null; // the decision we acted on is gone
        } else if (!isCoordinationError(err, "BAD_VERSION") && !isCoordinationError(err, "NODE_EXISTS")) {
          throw err;
        }
        if (attempt >= MAX_TERM_CLAIMS) throw new Error(`could not claim a term: ${path} changed under ${attempt} attempts`, { cause: err });
      }
    }
  }
}

/** The group's persistent term znode (a child of zkPath that is not a member: see MEMBER_NAME). */
export const TERM_ZNODE = "term";
/** Conditional writes of the term znode before giving up (another node claiming at once is rare). */
const MAX_TERM_CLAIMS = 5;

/** The term number in the term znode's data ({"term":n,"by":…}); 0 when absent or unreadable. */
export function parseTermZnode(data: Buffer | null): number {
  if (!data) return 0;
  try {
    const v = JSON.parse(data.toString("utf8")) as { term?: unknown };
    return typeof v.term === "number" && Number.isSafeInteger(v.term) && v.term > 0 ? v.term : 0;
  } catch {
    return 0;
  }
}
