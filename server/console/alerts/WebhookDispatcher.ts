import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { Logger } from "pino";
import { Webhook as StandardWebhook } from "standardwebhooks";
import type { AlertRepository, Webhook } from "../../db/alertRepository";
import type { AlertTransition } from "./AlertEvaluator";
import { testTransition, toAlertmanagerAlert, webhookPayloads } from "./alertPayloads";
import { guardedLookup, refusedUrlReason } from "./outboundTarget";

export interface DispatcherOptions {
  repo: AlertRepository;
  logger: Logger;
  /** The console's own URL (known once it listens): `externalURL` and each alert's `generatorURL`. */
  externalUrl: () => string;
  /** Attempts per notification, the first included. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxDelayMs (Retry-After wins when given). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

export interface AttemptResult {
  httpStatus: number | null;
  detail: string | null;
  durationMs: number;
  ok: boolean;
  /** Worth trying again: no answer, a timeout, 5xx, 408 or 429. */
  retryable: boolean;
  retryAfterMs: number | null;
}

interface Job {
  webhook: Webhook;
  messageId: string;
  status: string;
  body: string;
  attempt: number;
}

/**
 * Delivers alert notifications: to a `webhook` as Alertmanager's webhook payload (version "4")
 * signed per the Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature: the
 * `standardwebhooks` package, so every receiver library can verify it), or to an `alertmanager`
 * as POST /api/v2/alerts, joining an existing routing tree. Every attempt is recorded with its
 * response. Retries with exponential back-off for no answer, timeouts, 5xx, 408 and 429 (a
 * Retry-After is honoured, capped); other 4xx mean the receiver refuses the payload, so retrying
 * would not help. Targets at link-local addresses are refused (see outboundTarget.ts).
 */
export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly o: DispatcherOptions) {
    this.maxAttempts = o.maxAttempts ?? 6;
    this.baseDelayMs = o.baseDelayMs ?? 1_000;
    this.maxDelayMs = o.maxDelayMs ?? 60_000;
  }

  /** Queues notifications for every enabled webhook whose filters match; returns at once. */
  async notify(transitions: readonly AlertTransition[]): Promise<void> {
    if (transitions.length === 0 || this.stopped) return;
    const hooks = (await this.o.repo.webhooks()).filter((w) => w.enabled);
    for (const w of hooks) {
      const mine = transitions.filter((t) => listMatches(w.events, t.alert.rule) && listMatches(w.severities, t.alert.severity));
      if (mine.length === 0) continue;
      if (w.kind === "alertmanager") {
        this.start({ webhook: w, messageId: `msg_${randomUUID()}`, status: mine.every((t) => t.to === "resolved") ? "resolved" : "firing", body: JSON.stringify(mine.map((t) => toAlertmanagerAlert(t, this.o.externalUrl()))), attempt: 1 });
      } else {
        for (const p of webhookPayloads(mine, w.name, this.o.externalUrl())) this.start({ webhook: w, messageId: `msg_${randomUUID()}`, status: p.status, body: JSON.stringify(p), attempt: 1 });
      }
    }
  }

  /**
   * Alertmanager resolves an alert it has not heard of for `resolve_timeout` (5 min by default),
   * so alerts still firing are re-sent to alertmanager targets periodically (as Prometheus does).
   */
  async refreshAlertmanagers(firing: readonly AlertTransition[]): Promise<void> {
    if (firing.length === 0 || this.stopped) return;
    for (const w of (await this.o.repo.webhooks()).filter((x) => x.enabled && x.kind === "alertmanager")) {
      const mine = firing.filter((t) => listMatches(w.events, t.alert.rule) && listMatches(w.severities, t.alert.severity));
      if (mine.length > 0) this.start({ webhook: w, messageId: `msg_${randomUUID()}`, status: "firing", body: JSON.stringify(mine.map((t) => toAlertmanagerAlert(t, this.o.externalUrl()))), attempt: 1 });
    }
  }

  /** The Test button: one attempt now, its result returned (and recorded). */
  async test(webhook: Webhook): Promise<AttemptResult> {
    const t = testTransition(Date.now());
    const body = JSON.stringify(webhook.kind === "alertmanager" ? [toAlertmanagerAlert(t, this.o.externalUrl())] : webhookPayloads([t], webhook.name, this.o.externalUrl())[0]);
    return this.attempt({ webhook, messageId: `msg_${randomUUID()}`, status: "test", body, attempt: 1 });
  }

  /** The Resend button: the recorded payload again, as a new message, with retries. */
  resend(webhook: Webhook, payload: string, status: string): string {
    const messageId = `msg_${randomUUID()}`;
    this.start({ webhook, messageId, status, body: payload, attempt: 1 });
    return messageId;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private start(job: Job): void {
    this.attempt(job).catch((err: unknown) => this.o.logger.error({ err, webhook: job.webhook.name }, "webhook delivery failed unexpectedly"));
  }

  private async attempt(job: Job): Promise<AttemptResult> {
    const result = await this.send(job);
    try {
      await this.o.repo.recordDelivery({
        webhookId: job.webhook.id,
        messageId: job.messageId,
        attempt: job.attempt,
        status: job.status,
        httpStatus: result.httpStatus,
        detail: result.detail,
        durationMs: result.durationMs,
        payload: job.body,
      });
    } catch (err) {
      // The webhook may have been deleted meanwhile: its deliveries went with it.
      this.o.logger.warn({ err, webhook: job.webhook.name }, "could not record a webhook delivery");
    }
    const log = { webhook: job.webhook.name, messageId: job.messageId, attempt: job.attempt, httpStatus: result.httpStatus, detail: result.detail };
    if (result.ok) {
      this.o.logger.info(log, "webhook delivered");
    } else if (result.retryable && job.attempt < this.maxAttempts && !this.stopped && job.status !== "test") {
      const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (job.attempt - 1));
      const delay = result.retryAfterMs !== null ? Math.min(this.maxDelayMs, result.retryAfterMs) : backoff;
      this.o.logger.warn({ ...log, retryInMs: delay }, "webhook delivery failed; retrying");
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.start({ ...job, attempt: job.attempt + 1 });
      }, delay);
      this.timers.add(timer);
    } else {
      this.o.logger.error(log, "webhook delivery failed; giving up");
    }
    return result;
  }

  private send(job: Job): Promise<AttemptResult> {
    const started = Date.now();
    const done = (r: Omit<AttemptResult, "durationMs">): AttemptResult => ({ ...r, durationMs: Date.now() - started });
    const refused = refusedUrlReason(job.webhook.url, job.webhook.allowLinkLocal);
    if (refused) return Promise.resolve(done({ httpStatus: null, detail: `refused: ${refused}`, ok: false, retryable: false, retryAfterMs: null }));
    const url = new URL(job.webhook.kind === "alertmanager" ? alertmanagerEndpoint(job.webhook.url) : job.webhook.url);
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Tandem-Console" };
    if (job.webhook.kind !== "alertmanager" && job.webhook.secret) {
      const ts = new Date();
      headers["webhook-id"] = job.messageId;
      headers["webhook-timestamp"] = String(Math.floor(ts.getTime() / 1000));
      headers["webhook-signature"] = new StandardWebhook(job.webhook.secret).sign(job.messageId, ts, job.body);
    }
    const lib = url.protocol === "https:" ? https : http;
    return new Promise<AttemptResult>((resolve) => {
      const req = lib.request(
        url,
        { method: "POST", headers, lookup: guardedLookup(job.webhook.allowLinkLocal), timeout: this.o.timeoutMs ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (size < 2048) chunks.push(c);
            size += c.length;
          });
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString("utf8").slice(0, 500);
            resolve(
              done({
                httpStatus: status,
                detail: text === "" ? null : text,
                ok: status >= 200 && status < 300,
                retryable: status >= 500 || status === 408 || status === 429,
                retryAfterMs: retryAfterMs(res.headers["retry-after"]),
              }),
            );
          });
          res.on("error", (err) => resolve(done({ httpStatus: res.statusCode ?? null, detail: err.message, ok: false, retryable: true, retryAfterMs: null })));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.o.timeoutMs ?? 10_000} ms`)));
      req.on("error", (err: NodeJS.ErrnoException) =>
        resolve(done({ httpStatus: null, detail: err.message, ok: false, retryable: err.code !== "ETANDEMREFUSED", retryAfterMs: null })),
      );
      req.end(job.body);
    });
  }
}

/** `http://am:9093` (or with a path prefix) → its /api/v2/alerts endpoint. */
export function alertmanagerEndpoint(base: string): string {
  const u = new URL(base);
  if (!u.pathname.endsWith("/api/v2/alerts")) u.pathname = `${u.pathname.replace(/\/+$/, "")}/api/v2/alerts`;
  return u.toString();
}

/** "*" or a comma-separated list. */
export function listMatches(list: string, value: string): boolean {
  const items = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return items.length === 0 || items.includes("*") || items.includes(value);
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined): number | null {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || v.trim() === "") return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
