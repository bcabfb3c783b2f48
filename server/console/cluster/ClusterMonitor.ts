import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { eidOf, MEMBER_NAME, parseMemberData, type MemberData } from "../../runtime/ha/memberData";
import type { CoordinationClient } from "../../runtime/zk/CoordinationClient";
import { GroupWatcher, type GroupMember } from "../../runtime/zk/GroupWatcher";
import { sessionIdText } from "../../runtime/zk/sessionIdText";

export interface GroupSpec {
  name: string;
  zkPath: string;
  replicas: number;
  sync: string;
  nodes: string[];
}

export interface MemberView extends MemberData {
  eid: string;
  znode: string;
  /** Hex session id owning the ephemeral member znode. */
  session: string;
  ctime: number;
}

export interface GroupState {
  name: string;
  zkPath: string;
  replicas: number;
  quorum: number;
  sync: string;
  nodes: string[];
  members: MemberView[];
  electorEid: string | null;
  electedEid: string | null;
  master: string | null;
  /** Elections seen by this console, newest last. */
  history: Array<{ at: number; master: string | null; eid: string | null; reason: string }>;
  updatedAt: number;
}

export type ClusterEventKind = "election" | "master-lost" | "member-joined" | "member-left" | "quorum-lost" | "node-down" | "node-up" | "node-process" | "node-restart" | "slave-lagging" | "slave-caught-up" | "bridge-up" | "bridge-down" | "bridge-error";

export interface ClusterEvent {
  kind: ClusterEventKind;
  group: string;
  node: string | null;
  message: string;
  at: number;
  /** Why it happened, in a sentence (why a master was lost, why an election happened). */
  cause?: string;
  data?: Record<string, unknown>;
}

export interface ClusterMonitorEvents {
  group: [GroupState];
  event: [ClusterEvent];
}

/**
 * Watches every group's election znodes and turns their changes into group state and events
 * (elections, failovers, members joining and leaving) — straight from the coordinator, so an
 * election reaches the console as soon as the elector writes it.
 */
export class ClusterMonitor extends EventEmitter<ClusterMonitorEvents> {
  private readonly states = new Map<string, GroupState>();
  private readonly watchers: GroupWatcher[] = [];
  /** The last lost mastership per group and why: the next election's cause. */
  private readonly lastLoss = new Map<string, { master: string; cause: string; at: number }>();

  constructor(
    private readonly client: CoordinationClient,
    private readonly groups: GroupSpec[],
    private readonly logger: Logger,
  ) {
    super();
    for (const g of groups) {
      this.states.set(g.name, {
        name: g.name, zkPath: g.zkPath, replicas: g.replicas, quorum: Math.floor(g.replicas / 2) + 1, sync: g.sync,
        nodes: g.nodes, members: [], electorEid: null, electedEid: null, master: null, history: [], updatedAt: Date.now(),
      });
    }
  }

  async start(): Promise<void> {
    for (const g of this.groups) {
      await this.client.ensurePath(g.zkPath);
      const w = await GroupWatcher.start({ client: this.client, path: g.zkPath, logger: this.logger });
      w.on("snapshot", (snap) => this.update(g.name, snap));
      w.on("error", (err) => this.logger.warn({ err, group: g.name }, "group watcher error"));
      this.watchers.push(w);
      this.update(g.name, w.snapshot);
    }
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
  }

  snapshot(): GroupState[] {
    return [...this.states.values()].map((s) => structuredClone(s));
  }

  group(name: string): GroupState | undefined {
    const s = this.states.get(name);
    return s ? structuredClone(s) : undefined;
  }

  private update(groupName: string, snap: GroupMember[]): void {
    const prev = this.states.get(groupName);
    if (!prev) return;
    const members: MemberView[] = [];
    for (const m of snap) {
      if (!MEMBER_NAME.test(m.name)) continue;
      const data = parseMemberData(m.data);
      if (!data) continue;
      members.push({
        ...data,
        eid: eidOf(m.name),
        znode: `${prev.zkPath}/${m.name}`,
        session: sessionIdText(m.stat.ephemeralOwner),
        ctime: Number(m.stat.ctime),
      });
    }
    members.sort((a, b) => (a.eid < b.eid ? -1 : 1));
    const elector = members[0] ?? null;
    const electedEid = elector?.elected ?? null;
    const masterMember = electedEid ? members.find((m) => m.eid === electedEid) : undefined;
    // A node counts as master once it has published its replication address (it is serving).
    const master = masterMember && masterMember.address ? masterMember.container : null;
    const now = Date.now();
    const next: GroupState = { ...prev, members, electorEid: elector?.eid ?? null, electedEid, master, updatedAt: now };
    const before = new Set(prev.members.map((m) => m.eid));
    const after = new Set(members.map((m) => m.eid));
    for (const m of members) {
      if (!before.has(m.eid)) this.event({ kind: "member-joined", group: groupName, node: m.container, message: `${m.container} joined ${groupName} as member ${m.eid}`, at: now });
    }
    for (const m of prev.members) {
      if (!after.has(m.eid)) {
        this.event({
          kind: "member-left", group: groupName, node: m.container, message: `${m.container} left ${groupName} (member ${m.eid}, session ${m.session})`, at: now,
          cause: `its member znode was deleted: session ${m.session} ended (the node left, or its process stopped, crashed or lost the coordinator)`,
        });
      }
    }
    if (master !== prev.master) {
      // Why the previous master is gone, from what the election znodes show.
      const lossCause = (old: string): string => {
        const stillMember = members.some((m) => m.container === old);
        if (!stillMember) return `${old}'s member znode is gone: its coordinator session ended (the process stopped, crashed or lost the coordinator)`;
        if (members.length < next.quorum) return `quorum lost: ${members.length} of ${next.replicas} members, quorum is ${next.quorum}`;
        return `${old} withdrew its mastership while still a member (a hand-over, or it lost its replication quorum)`;
      };
      if (master) {
        const reason = prev.master ? `failover from ${prev.master}` : "elected";
        const loss = this.lastLoss.get(groupName);
        const cause = prev.master
          ? `${prev.master} lost mastership: ${lossCause(prev.master)}; ${master} had the most up-to-date log of the remaining members`
          : loss
            ? `${loss.master} had lost mastership: ${loss.cause}; ${master} had the most up-to-date log of the remaining members`
            : `first election seen by this console: ${members.length} of ${next.replicas} members present, quorum ${next.quorum}`;
        this.lastLoss.delete(groupName);
        next.history = [...prev.history, { at: now, master, eid: electedEid, reason }].slice(-200);
        this.event({
          kind: "election",
          group: groupName,
          node: master,
          message: prev.master ? `${master} is the new master of ${groupName} (was ${prev.master})` : `${master} elected master of ${groupName}`,
          at: now,
          cause,
          data: { eid: electedEid, previous: prev.master ?? loss?.master ?? null, position: masterMember?.position },
        });
      } else if (prev.master) {
        next.history = [...prev.history, { at: now, master: null, eid: null, reason: `${prev.master} lost mastership` }].slice(-200);
        const quorumLost = members.length < next.quorum;
        const cause = lossCause(prev.master);
        this.lastLoss.set(groupName, { master: prev.master, cause, at: now });
        this.event({
          kind: quorumLost ? "quorum-lost" : "master-lost",
          group: groupName,
          node: prev.master,
          message: quorumLost
            ? `${groupName} has no master: ${members.length} of ${next.replicas} members, quorum is ${next.quorum}`
            : `${prev.master} is no longer master of ${groupName}; election in progress`,
          at: now,
          cause,
        });
      }
    }
    this.states.set(groupName, next);
    this.emit("group", structuredClone(next));
  }

  private event(e: ClusterEvent): void {
    this.emit("event", e);
  }
}
