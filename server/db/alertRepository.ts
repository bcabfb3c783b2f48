import type { PrismaClient } from "./createPrismaClient";
import type { AlertRule, Silence, Webhook, WebhookDelivery } from "./generated/prisma/client";

export type { AlertRule, Silence, Webhook, WebhookDelivery } from "./generated/prisma/client";

export interface AlertRuleInput {
  name: string;
  enabled: boolean;
  metric: string;
  comparator: string;
  threshold: number;
  forSeconds: number;
  group: string | null;
  node: string | null;
  destination: string | null;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface WebhookInput {
  name: string;
  kind: string;
  url: string;
  enabled: boolean;
  secret: string | null;
  events: string;
  severities: string;
  allowLinkLocal: boolean;
}

export interface DeliveryInput {
  webhookId: number;
  messageId: string;
  attempt: number;
  status: string;
  httpStatus: number | null;
  detail: string | null;
  durationMs: number;
  payload: string;
}

/** The alerting tables: rules, webhooks and every delivery attempt, silences. */
export interface AlertRepository {
  rules(): Promise<AlertRule[]>;
  ruleCount(): Promise<number>;
  createRule(r: AlertRuleInput): Promise<AlertRule>;
  updateRule(id: number, r: Partial<AlertRuleInput>): Promise<AlertRule>;
  deleteRule(id: number): Promise<AlertRule>;
  webhooks(): Promise<Webhook[]>;
  webhook(id: number): Promise<Webhook | null>;
  createWebhook(w: WebhookInput): Promise<Webhook>;
  updateWebhook(id: number, w: Partial<WebhookInput>): Promise<Webhook>;
  deleteWebhook(id: number): Promise<Webhook>;
  recordDelivery(d: DeliveryInput): Promise<WebhookDelivery>;
  delivery(id: number): Promise<WebhookDelivery | null>;
  /** Newest first. */
  deliveries(q: { webhookId?: number; limit: number; beforeId?: number }): Promise<WebhookDelivery[]>;
  /** Newest first by offset, with counts (before and after the filters), for the REST list. */
  deliveryPage(q: { webhookId?: number; status?: string; messageId?: string; skip: number; take: number; oldestFirst?: boolean }): Promise<{ total: number; filtered: number; items: WebhookDelivery[] }>;
  silences(activeAt?: Date): Promise<Silence[]>;
  createSilence(s: { matchers: Record<string, string>; startsAt: Date; endsAt: Date; createdBy: string; comment: string }): Promise<Silence>;
  /** Ends a silence now (kept for the record). */
  expireSilence(id: number, now: Date): Promise<Silence>;
}

export function createAlertRepository(prisma: PrismaClient): AlertRepository {
  return {
    rules: () => prisma.alertRule.findMany({ orderBy: { id: "asc" } }),
    ruleCount: () => prisma.alertRule.count(),
    createRule: (r) => prisma.alertRule.create({ data: r }),
    updateRule: (id, r) => prisma.alertRule.update({ where: { id }, data: r }),
    deleteRule: (id) => prisma.alertRule.delete({ where: { id } }),
    webhooks: () => prisma.webhook.findMany({ orderBy: { id: "asc" } }),
    webhook: (id) => prisma.webhook.findUnique({ where: { id } }),
    createWebhook: (w) => prisma.webhook.create({ data: w }),
    updateWebhook: (id, w) => prisma.webhook.update({ where: { id }, data: w }),
    deleteWebhook: (id) => prisma.webhook.delete({ where: { id } }),
    recordDelivery: async (d) => {
      const row = await prisma.webhookDelivery.create({ data: d });
      await prisma.webhook.update({ where: { id: d.webhookId }, data: { lastStatus: d.httpStatus, lastSentAt: row.time } });
      return row;
    },
    delivery: (id) => prisma.webhookDelivery.findUnique({ where: { id } }),
    deliveries: (q) =>
      prisma.webhookDelivery.findMany({
        where: { ...(q.webhookId !== undefined ? { webhookId: q.webhookId } : {}), ...(q.beforeId !== undefined ? { id: { lt: q.beforeId } } : {}) },
        orderBy: { id: "desc" },
        take: q.limit,
      }),
    deliveryPage: async (q) => {
      const where = { ...(q.webhookId !== undefined ? { webhookId: q.webhookId } : {}), ...(q.status !== undefined ? { status: q.status } : {}), ...(q.messageId ? { messageId: { contains: q.messageId } } : {}) };
      const [total, filtered, items] = await Promise.all([
        prisma.webhookDelivery.count(),
        prisma.webhookDelivery.count({ where }),
        prisma.webhookDelivery.findMany({ where, orderBy: { id: q.oldestFirst === true ? "asc" : "desc" }, skip: q.skip, take: q.take }),
      ]);
      return { total, filtered, items };
    },
    silences: (activeAt) =>
      prisma.silence.findMany({
        where: activeAt ? { startsAt: { lte: activeAt }, endsAt: { gt: activeAt } } : {},
        orderBy: { id: "desc" },
        take: 500,
      }),
    createSilence: (s) => prisma.silence.create({ data: s }),
    expireSilence: (id, now) => prisma.silence.update({ where: { id }, data: { endsAt: now } }),
  };
}
