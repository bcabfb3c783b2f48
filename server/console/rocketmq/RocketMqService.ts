import type { Logger } from "pino";
import type { z } from "zod";
import type { AuditRepository } from "../../db/auditRepository";
import type { rmqMessageSchema } from "../../runtime/admin/adminResponses";
import { AdminCallError } from "../admin/AdminCallError";
import { adminAppError } from "../admin/adminAppError";
import { AppError } from "../AppError";
import type { Principal } from "../auth/Principal";
import type { ConsoleRuntime } from "../ConsoleRuntime";
import { servingMaster } from "../destinations/DestinationCluster";
import { mergeRmqViews, type RmqGroupAnswer, type RmqOverview } from "./mergeRmqViews";

type RmqMessage = z.output<typeof rmqMessageSchema>;
export type RmqMessageView = RmqMessage & { brokerName: string; group: string; bodyWithheld: boolean };

/**
 * RocketMQ in the console: every group master's broker role seen as one cluster (topics with
 * their routes and offsets, consumer groups with members and lag), and the operator's actions on
 * it — topic creation with placement, offset reset by time, message query and resend. Each master
 * is asked through the typed admin client; a group whose master does not answer is named, not hidden.
 */
export class RocketMqService {
  constructor(private readonly o: { runtime: ConsoleRuntime; audit: AuditRepository; logger: Logger }) {}

  /** Asks every group's serving master for its RocketMQ view. */
  async answers(): Promise<RmqGroupAnswer[]> {
    const c = this.cluster();
    return Promise.all(
      c.groups.map(async (g): Promise<RmqGroupAnswer> => {
        const node = servingMaster(c, g.name);
        if (node === null) return { group: g.name, node, view: null, error: "no master right now" };
        try {
          return { group: g.name, node, view: await c.admin.rocketmq(node), error: null };
        } catch (err) {
          return { group: g.name, node, view: null, error: err instanceof AdminCallError ? err.reason : (err as Error).message };
        }
      }),
    );
  }

  async overview(): Promise<RmqOverview> {
    return mergeRmqViews(await this.answers());
  }

  /**
   * Creates (or updates) a topic on the chosen groups' masters, as mqadmin updateTopic -b does per
   * broker; each master re-registers its routes with the NameServers. All-or-report: when a group
   * refuses, the error names which groups already have the topic.
   */
  async createTopic(input: { topic: string; groups: string[]; readQueueNums: number; writeQueueNums: number; perm: 2 | 4 | 6 }): Promise<{ topic: string; placements: Array<{ group: string; node: string; brokerName: string; created: boolean }> }> {
    const c = this.cluster();
    const unknown = input.groups.filter((g) => !c.groups.some((x) => x.name === g));
    if (unknown.length > 0) throw new AppError("NOT_FOUND", `no group named ${unknown.join(", ")}`, "NO_GROUP");
    const done: Array<{ group: string; node: string; brokerName: string; created: boolean }> = [];
    for (const group of input.groups) {
      const node = this.master(group);
      try {
        const r = await c.admin.rmqCreateTopic(node, { topic: input.topic, readQueueNums: input.readQueueNums, writeQueueNums: input.writeQueueNums, perm: input.perm });
        done.push({ group, node, brokerName: r.brokerName, created: r.created });
      } catch (err) {
        const e = adminAppError(err, `creating topic ${input.topic} on ${group} (${node})`);
        if (done.length > 0) e.message += ` (already created on ${done.map((d) => d.group).join(", ")})`;
        throw e;
      }
    }
    this.o.logger.info({ topic: input.topic, placements: done }, "RocketMQ topic created from the console");
    return { topic: input.topic, placements: done };
  }

  /** resetOffsetByTime on every master that hosts the topic. */
  async resetOffset(input: { consumerGroup: string; topic: string; timestamp: number }): Promise<{ consumerGroup: string; topic: string; timestamp: number; onlineMembers: number; brokers: Array<{ group: string; brokerName: string; queues: Array<{ queueId: number; previousOffset: number | null; offset: number }> }> }> {
    const c = this.cluster();
    const hosts = (await this.answers()).filter((a) => a.view?.topics.some((t) => t.topic === input.topic));
    if (hosts.length === 0) throw new AppError("NOT_FOUND", `no broker group hosts topic ${input.topic}`, "NO_TOPIC");
    const brokers = [];
    let online = 0;
    for (const h of hosts) {
      const r = await c.admin.rmqResetOffset(h.node!, input.consumerGroup, { topic: input.topic, timestamp: input.timestamp }).catch((err: unknown) => {
        throw adminAppError(err, `resetting ${input.consumerGroup} on ${h.group} (${h.node})`);
      });
      online = Math.max(online, r.onlineMembers);
      brokers.push({ group: h.group, brokerName: r.brokerName, queues: r.queues });
    }
    this.o.logger.info({ consumerGroup: input.consumerGroup, topic: input.topic, timestamp: input.timestamp, brokers: brokers.map((b) => b.brokerName) }, "RocketMQ consumer offsets reset by time from the console");
    return { ...input, onlineMembers: online, brokers };
  }

  /**
   * Messages by id or key from every master; bodies only for those who may read them, and every
   * body handed out is audited (as destination message reads are).
   */
  async messages(who: { principal: Principal; ip: string | null }, q: { id?: string; key?: string; topic?: string }): Promise<RmqMessageView[]> {
    const c = this.cluster();
    if ((q.id === undefined) === (q.key === undefined)) throw new AppError("BAD_REQUEST", "give a message id or a message key (one of them)", "BAD_QUERY");
    const found: RmqMessageView[] = [];
    for (const a of await this.answers()) {
      if (!a.view || a.node === null) continue;
      const r = await c.admin.rmqMessages(a.node, q).catch((err: unknown) => {
        throw adminAppError(err, `querying messages on ${a.group} (${a.node})`);
      });
      for (const m of r.messages) found.push({ ...m, brokerName: r.brokerName, group: a.group, bodyWithheld: false });
    }
    found.sort((x, y) => y.storeTimestamp - x.storeTimestamp);
    if (!who.principal.canReadBodies) return found.map((m) => ({ ...m, bodyBase64: "", bodyWithheld: true }));
    if (found.length > 0) {
      await this.o.audit.record({ actor: who.principal.label, ip: who.ip, action: "rocketmq.readBody", target: found.map((m) => m.msgId).join(" ").slice(0, 500), result: "ok", detail: null });
    }
    return found;
  }

  /** Resends a message to a consumer group through that group's retry topic, on the broker that stored it. */
  async resend(input: { id: string; consumerGroup: string }): Promise<{ group: string; brokerName: string; originalTopic: string; fromDlq: boolean; topic: string; msgId: string; replicated: boolean }> {
    const c = this.cluster();
    for (const a of await this.answers()) {
      if (!a.view || a.node === null) continue;
      try {
        const r = await c.admin.rmqResend(a.node, input.id, input.consumerGroup);
        this.o.logger.info({ msgId: input.id, consumerGroup: input.consumerGroup, resentAs: r.msgId }, "RocketMQ message resent from the console");
        return { group: a.group, brokerName: r.brokerName, originalTopic: r.originalTopic, fromDlq: r.fromDlq, topic: r.topic, msgId: r.msgId, replicated: r.replicated };
      } catch (err) {
        if (err instanceof AdminCallError && err.code === "NO_MESSAGE") continue;
        throw adminAppError(err, `resending ${input.id} on ${a.group} (${a.node})`);
      }
    }
    throw new AppError("NOT_FOUND", `no broker holds message ${input.id}`, "NO_MESSAGE");
  }

  private master(group: string): string {
    const m = servingMaster(this.cluster(), group);
    if (m === null) throw new AppError("UNAVAILABLE", `group ${group} has no master right now`, "NO_MASTER");
    return m;
  }

  private cluster(): NonNullable<ConsoleRuntime["cluster"]> {
    const cluster = this.o.runtime.cluster;
    if (!cluster) throw new AppError("PRECONDITION_FAILED", "no cluster attached", "NO_CLUSTER");
    return cluster;
  }
}
