import type { Logger } from "pino";
import { RequestCode } from "./remotingCodes";
import type { RemotingConnection } from "./RemotingServer";

/** A consumer's HEART_BEAT entry (ConsumerData in HeartbeatData). */
export interface ConsumerData {
  groupName: string;
  consumeType?: string;
  messageModel?: string;
  consumeFromWhere?: string;
  subscriptionDataSet?: Array<{ topic: string; subString?: string; tagsSet?: string[] }>;
}

interface Member {
  clientId: string;
  conn: RemotingConnection;
  lastSeen: number;
  data: ConsumerData;
}

/** RocketMQ's 120 s channel expiry (ClientHousekeepingService / BROKER_CHANNEL_EXPIRED_TIME). */
export const CHANNEL_EXPIRED_MS = 120_000;
/** Groups whose message model is remembered after their members left (oldest forgotten first). */
const REMEMBERED_MODELS = 10_000;

/**
 * The consumers of each group that heartbeat to this broker (ConsumerManager). Clients rebalance
 * themselves from GET_CONSUMER_LIST_BY_GROUP; a change of membership is pushed to the group's
 * members as NOTIFY_CONSUMER_IDS_CHANGED so they need not wait for their next rebalance tick.
 */
export class ConsumerRegistry {
  private readonly groups = new Map<string, Map<string, Member>>();
  /** group → the message model its members last declared (kept after they leave, in memory only). */
  private readonly models = new Map<string, string>();
  /** Connections whose close already removes their members (one listener each, however many heartbeats). */
  private readonly watched = new WeakSet<RemotingConnection>();

  constructor(private readonly logger: Logger) {}

  /** Records a heartbeat; returns true when the group's membership changed. */
  heartbeat(clientId: string, conn: RemotingConnection, data: ConsumerData): boolean {
    let g = this.groups.get(data.groupName);
    if (!g) this.groups.set(data.groupName, (g = new Map()));
    const cur = g.get(clientId);
    let changed = !cur || cur.conn !== conn;
    if (data.messageModel) this.rememberModel(data.groupName, data.messageModel);
    // One channel is one client instance (RocketMQ's ClientChannelInfo): a new client id on the
    // same connection replaces its old one, so members stay bounded by connections.
    for (const [id, m] of g) {
      if (m.conn === conn && id !== clientId) {
        g.delete(id);
        changed = true;
      }
    }
    g.set(clientId, { clientId, conn, lastSeen: Date.now(), data });
    if (!this.watched.has(conn)) {
      this.watched.add(conn);
      conn.onClose(() => this.removeConnection(conn));
    }
    if (changed) this.notify(data.groupName);
    return changed;
  }

  unregister(clientId: string, group: string): void {
    const g = this.groups.get(group);
    if (g?.delete(clientId)) {
      if (g.size === 0) this.groups.delete(group);
      this.notify(group);
    }
  }

  clientIds(group: string): string[] {
    return [...(this.groups.get(group)?.keys() ?? [])].sort();
  }

  /**
   * The group's message model (CLUSTERING or BROADCASTING): BROADCASTING when any online member
   * declares it, else what its members declared last on this broker; undefined if never seen.
   */
  messageModel(group: string): string | undefined {
    const online = [...(this.groups.get(group)?.values() ?? [])].map((m) => m.data.messageModel);
    if (online.includes("BROADCASTING")) return "BROADCASTING";
    return online.find((m) => m !== undefined) ?? this.models.get(group);
  }

  private rememberModel(group: string, model: string): void {
    if (this.models.get(group) === model) return;
    this.models.delete(group);
    this.models.set(group, model);
    if (this.models.size > REMEMBERED_MODELS) this.models.delete(this.models.keys().next().value as string);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  members(group: string): Array<{ clientId: string; remote: string; lastSeen: number; data: ConsumerData }> {
    return [...(this.groups.get(group)?.values() ?? [])].map((m) => ({ clientId: m.clientId, remote: m.conn.remote, lastSeen: m.lastSeen, data: m.data }));
  }

  private removeConnection(conn: RemotingConnection): void {
    for (const [group, g] of this.groups) {
      let changed = false;
      for (const [id, m] of g) {
        if (m.conn === conn) {
          g.delete(id);
          changed = true;
        }
      }
      if (g.size === 0) this.groups.delete(group);
      if (changed) this.notify(group);
    }
  }

  /** Drops members silent for longer than the channel expiry (called by the broker's housekeeping). */
  expire(now = Date.now()): void {
    for (const [group, g] of this.groups) {
      let changed = false;
      for (const [id, m] of g) {
        if (now - m.lastSeen > CHANNEL_EXPIRED_MS) {
          this.logger.info({ group, clientId: id, silentMs: now - m.lastSeen }, "RocketMQ consumer expired: no heartbeat for 120 s");
          g.delete(id);
          changed = true;
        }
      }
      if (g.size === 0) this.groups.delete(group);
      if (changed) this.notify(group);
    }
  }

  /**
   * Tells the group's online members their new offsets (RESET_CONSUMER_CLIENT_OFFSET, as the
   * broker's resetOffset does): a Java 4.x client drops its process queues and resumes from them.
   * Clients that do not handle the request (ali-ons) ignore it. Returns how many were told.
   */
  notifyReset(group: string, topic: string, timestamp: number, offsets: Array<{ brokerName: string; queueId: number; offset: number }>): number {
    // ResetOffsetBody is fastjson with MessageQueue objects as map keys, which JSON.stringify cannot write.
    const table = offsets.map((o) => `${JSON.stringify({ brokerName: o.brokerName, queueId: o.queueId, topic })}:${o.offset}`).join(",");
    const body = Buffer.from(`{"offsetTable":{${table}}}`);
    const members = [...(this.groups.get(group)?.values() ?? [])];
    for (const m of members) m.conn.notify(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, { topic, group, timestamp: String(timestamp), isForce: "true" }, body);
    return members.length;
  }

  private notify(group: string): void {
    for (const m of this.groups.get(group)?.values() ?? []) m.conn.notify(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group });
  }
}
