import { randomBytes } from "node:crypto";
import type { AlertRepository, AlertRule, Silence, Webhook, WebhookDelivery } from "../../db/alertRepository";
import { AppError } from "../AppError";
import type { AlertRuleSpec } from "./AlertEvaluator";
import { conditionOf } from "./alertConditions";
import { ruleSpecOf } from "./AlertService";
import type { AttemptResult, WebhookDispatcher } from "./WebhookDispatcher";
import { refusedUrlReason } from "./outboundTarget";

export type RuleInput = Omit<AlertRuleSpec, "id">;

export interface WebhookInputView {
  name: string;
  kind: "webhook" | "alertmanager";
  url: string;
  enabled: boolean;
  /** Rule names ("*" = all) and severities ("*" = all) this webhook receives. */
  rules: string[];
  severities: string[];
  allowLinkLocal: boolean;
}

export interface WebhookView extends WebhookInputView {
  id: number;
  /** Whether notifications are signed; the secret itself is shown once, when made. */
  signed: boolean;
  lastStatus: number | null;
  lastSentAt: Date | null;
}

/** Rule, webhook and silence management behind the alerts procedures (validation lives here, not in routers). */
export class AlertConfigService {
  constructor(
    private readonly repo: AlertRepository,
    private readonly dispatcher: WebhookDispatcher,
    /** Told after every rule or silence change (AlertService.configChanged: it keeps them in memory). */
    private readonly changed: () => void,
  ) {}

  async rules(): Promise<AlertRuleSpec[]> {
    return (await this.repo.rules()).map(ruleSpecOf);
  }

  async createRule(input: RuleInput): Promise<AlertRuleSpec> {
    this.checkRule(input);
    return ruleSpecOf(await this.notify(this.unique(() => this.repo.createRule(input), input.name)));
  }

  async updateRule(id: number, input: RuleInput): Promise<AlertRuleSpec> {
    this.checkRule(input);
    return ruleSpecOf(await this.notify(this.found(this.unique(() => this.repo.updateRule(id, input), input.name), `alert rule ${id}`)));
  }

  async deleteRule(id: number): Promise<void> {
    await this.notify(this.found(this.repo.deleteRule(id), `alert rule ${id}`));
  }

  async webhooks(): Promise<WebhookView[]> {
    return (await this.repo.webhooks()).map(webhookView);
  }

  /** Creates a webhook; a signing secret is generated for `webhook` targets and returned once. */
  async createWebhook(input: WebhookInputView): Promise<{ webhook: WebhookView; secret: string | null }> {
    this.checkUrl(input);
    const secret = input.kind === "webhook" ? `whsec_${randomBytes(24).toString("base64")}` : null;
    const row = await this.unique(() => this.repo.createWebhook({ ...storedWebhook(input), secret }), input.name);
    return { webhook: webhookView(row), secret };
  }

  async updateWebhook(id: number, input: WebhookInputView): Promise<WebhookView> {
    this.checkUrl(input);
    return webhookView(await this.found(this.unique(() => this.repo.updateWebhook(id, storedWebhook(input)), input.name), `webhook ${id}`));
  }

  async deleteWebhook(id: number): Promise<void> {
    await this.found(this.repo.deleteWebhook(id), `webhook ${id}`);
  }

  async testWebhook(id: number): Promise<AttemptResult> {
    return this.dispatcher.test(await this.webhookRow(id));
  }

  async resend(deliveryId: number): Promise<{ messageId: string }> {
    const d = await this.repo.delivery(deliveryId);
    if (!d) throw new AppError("NOT_FOUND", `delivery ${deliveryId} does not exist`, "NO_DELIVERY");
    return { messageId: this.dispatcher.resend(await this.webhookRow(d.webhookId), d.payload, d.status === "test" ? "test" : d.status) };
  }

  deliveries(q: { webhookId?: number; limit: number; beforeId?: number }): Promise<WebhookDelivery[]> {
    return this.repo.deliveries(q);
  }

  deliveryPage(q: Parameters<AlertRepository["deliveryPage"]>[0]): ReturnType<AlertRepository["deliveryPage"]> {
    return this.repo.deliveryPage(q);
  }

  silences(): Promise<Silence[]> {
    return this.repo.silences();
  }

  async createSilence(input: { matchers: Record<string, string>; durationMinutes: number; comment: string }, createdBy: string): Promise<Silence> {
    if (Object.keys(input.matchers).length === 0) throw new AppError("BAD_REQUEST", "a silence needs at least one matcher (e.g. alertname or node), or it would mute everything", "EMPTY_SILENCE");
    const now = new Date();
    return this.notify(this.repo.createSilence({ matchers: input.matchers, startsAt: now, endsAt: new Date(now.getTime() + input.durationMinutes * 60_000), createdBy, comment: input.comment }));
  }

  async expireSilence(id: number): Promise<Silence> {
    return this.notify(this.found(this.repo.expireSilence(id, new Date()), `silence ${id}`));
  }

  /** Tells the alert service once a rule or silence change is stored (not when it was refused). */
  private async notify<T>(p: Promise<T>): Promise<T> {
    const result = await p;
    this.changed();
    return result;
  }

  private checkRule(r: RuleInput): void {
    const c = conditionOf(r.metric);
    if (!c) throw new AppError("BAD_REQUEST", `unknown condition "${r.metric}"`, "UNKNOWN_CONDITION");
    if (c.unit === "ratio" && (r.threshold < 0 || r.threshold > 1)) {
      throw new AppError("BAD_REQUEST", `${r.metric} is a ratio between 0 and 1 (0.9 = 90 %); the threshold ${r.threshold} can never be crossed`, "BAD_THRESHOLD");
    }
  }

  private checkUrl(w: WebhookInputView): void {
    const reason = refusedUrlReason(w.url, w.allowLinkLocal);
    if (reason) throw new AppError("BAD_REQUEST", `the webhook URL is refused: ${reason}`, "URL_REFUSED");
  }

  private async webhookRow(id: number): Promise<Webhook> {
    const w = await this.repo.webhook(id);
    if (!w) throw new AppError("NOT_FOUND", `webhook ${id} does not exist`, "NO_WEBHOOK");
    return w;
  }

  private async unique<T>(fn: () => Promise<T>, name: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `the name "${name}" is already taken`, "NAME_TAKEN");
      throw err;
    }
  }

  private async found<T>(p: Promise<T>, what: string): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if ((err as { code?: string }).code === "P2025") throw new AppError("NOT_FOUND", `${what} does not exist`, "NOT_FOUND");
      throw err;
    }
  }
}

function storedWebhook(w: WebhookInputView): { name: string; kind: string; url: string; enabled: boolean; events: string; severities: string; allowLinkLocal: boolean } {
  return { name: w.name, kind: w.kind, url: w.url, enabled: w.enabled, events: list(w.rules), severities: list(w.severities), allowLinkLocal: w.allowLinkLocal };
}

function list(items: string[]): string {
  const clean = items.map((s) => s.trim()).filter((s) => s !== "");
  return clean.length === 0 ? "*" : clean.join(",");
}

function webhookView(w: Webhook): WebhookView {
  return {
    id: w.id,
    name: w.name,
    kind: w.kind === "alertmanager" ? "alertmanager" : "webhook",
    url: w.url,
    enabled: w.enabled,
    rules: w.events.split(",").filter((s) => s !== ""),
    severities: w.severities.split(",").filter((s) => s !== ""),
    allowLinkLocal: w.allowLinkLocal,
    signed: w.secret !== null,
    lastStatus: w.lastStatus,
    lastSentAt: w.lastSentAt,
  };
}

export type { AlertRule };
