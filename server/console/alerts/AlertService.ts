import type { Logger } from "pino";
import type { AlertRepository, AlertRule, Silence } from "../../db/alertRepository";
import type { EventRepository } from "../../db/eventRepository";
import type { LiveEvents } from "../LiveEvents";
import { AlertEvaluator, type ActiveAlert, type AlertRuleSpec, type AlertTransition, type Comparator, type Severity } from "./AlertEvaluator";
import type { AlertFacts } from "./alertFacts";
import { DEFAULT_ALERT_RULES } from "./defaultAlertRules";
import type { WebhookDispatcher } from "./WebhookDispatcher";

export interface AlertServiceOptions {
  repo: AlertRepository;
  events: EventRepository;
  live: LiveEvents;
  dispatcher: WebhookDispatcher;
  logger: Logger;
  /** The facts to evaluate; null while no cluster is attached. */
  facts: () => AlertFacts | null;
  /** How often the rules are evaluated (the pollers answer every 1–10 s). */
  intervalMs?: number;
  /** How often alerts still firing are re-sent to alertmanager targets. */
  alertmanagerRefreshMs?: number;
  /**
   * How long rules and silences read from the database are reused. Edits made through this
   * console apply at once (configChanged); this bounds how late an edit made by another console
   * instance sharing the database is seen. Default 30 s.
   */
  rulesMaxAgeMs?: number;
}

export interface AlertView extends ActiveAlert {
  silencedBy: number | null;
}

/**
 * The console's alerting: evaluates the rules stored in the database against what the monitor
 * already polls, keeps each alert's state (pending → firing → resolved), records firing and
 * resolved in the event history, pushes them to the browsers, and hands them to the webhook
 * dispatcher unless a silence matches. Rules and active silences are read from the database once
 * and kept until they change (issue #12: an idle console must not query its database every
 * tick): an edit through this console's UI or API drops them (configChanged, called by
 * AlertConfigService) and re-evaluates at once; an edit by another console instance sharing the
 * database is seen within rulesMaxAgeMs.
 */
export class AlertService {
  private readonly evaluator = new AlertEvaluator();
  private timer: NodeJS.Timeout | null = null;
  private lastRefresh = 0;
  private running = false;
  private silences: Silence[] = [];
  /** Rules and active silences as last read, and when; null: read them at the next evaluation. */
  private inputs: { at: number; rules: AlertRuleSpec[]; silences: Silence[] } | null = null;
  /** Bumped by configChanged: a read that started before an edit is not kept. */
  private generation = 0;
  /** An evaluation was asked for while one ran (an edit mid-tick): run again when it ends. */
  private again = false;

  constructor(private readonly o: AlertServiceOptions) {}

  /** Installs the default rules when the table has never held any, then evaluates periodically. */
  async start(): Promise<void> {
    if ((await this.o.repo.ruleCount()) === 0) {
      for (const r of DEFAULT_ALERT_RULES) await this.o.repo.createRule({ ...r, enabled: true });
      this.o.logger.info({ rules: DEFAULT_ALERT_RULES.length }, "default alert rules installed");
    }
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 2_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.o.dispatcher.stop();
  }

  /** Pending and firing alerts, most severe first, with the silence that mutes each (if any). */
  active(): AlertView[] {
    const now = new Date();
    return this.evaluator.list().map((a) => ({ ...a, silencedBy: this.silenceFor(a, now)?.id ?? null }));
  }

  /**
   * Rules or silences were created, edited or deleted through this console: read them again and
   * evaluate now, so the edit applies at once.
   */
  configChanged(): void {
    this.generation++;
    this.inputs = null;
    if (this.timer === null) return; // not started (tests drive tick themselves)
    if (this.running) this.again = true;
    else void this.tick();
  }

  /** One evaluation; exposed for tests and for an immediate re-evaluation after a rule edit. */
  async tick(now = Date.now()): Promise<AlertTransition[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const facts = this.o.facts();
      if (facts === null) return [];
      const { rules, silences } = await this.readInputs(now);
      this.silences = silences;
      const transitions = this.evaluator.evaluate(rules, { ...facts, at: now });
      for (const t of transitions) await this.record(t);
      if (transitions.length > 0) this.o.live.publish({ type: "invalidate", path: ["alerts"] });
      const loud = transitions.filter((t) => this.silenceFor(t.alert, new Date(now)) === null);
      await this.o.dispatcher.notify(loud);
      if (now - this.lastRefresh >= (this.o.alertmanagerRefreshMs ?? 60_000)) {
        this.lastRefresh = now;
        const firing = this.evaluator
          .list()
          .filter((a) => a.state === "firing" && this.silenceFor(a, new Date(now)) === null)
          .map((alert): AlertTransition => ({ to: "firing", alert, at: now }));
        await this.o.dispatcher.refreshAlertmanagers(firing);
      }
      return transitions;
    } catch (err) {
      this.o.logger.error({ err }, "alert evaluation failed");
      return [];
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        void this.tick();
      }
    }
  }

  /**
   * Rules and the silences active now, from memory while they are fresh. Silences are only ever
   * created starting now (createSilence) and ended early through expireSilence, so the set
   * active at the read only shrinks as time passes — silenceFor checks each one's end — until
   * an edit, which drops the copy.
   */
  private async readInputs(now: number): Promise<{ rules: AlertRuleSpec[]; silences: Silence[] }> {
    const kept = this.inputs;
    if (kept !== null && now >= kept.at && now - kept.at < (this.o.rulesMaxAgeMs ?? 30_000)) return kept;
    const generation = this.generation;
    const rules = (await this.o.repo.rules()).map(ruleSpecOf);
    const silences = await this.o.repo.silences(new Date(now));
    const read = { at: now, rules, silences };
    if (generation === this.generation) this.inputs = read;
    return read;
  }

  private silenceFor(a: ActiveAlert, now: Date): Silence | null {
    for (const s of this.silences) {
      if (s.startsAt > now || s.endsAt <= now) continue;
      const matchers = (s.matchers ?? {}) as Record<string, string>;
      if (Object.entries(matchers).every(([k, v]) => a.labels[k] === v)) return s;
    }
    return null;
  }

  private async record(t: AlertTransition): Promise<void> {
    const a = t.alert;
    const message = t.to === "firing" ? `[${a.severity}] ${a.annotations.summary ?? a.rule}` : `resolved: ${a.annotations.summary ?? a.rule}`;
    this.o.logger[t.to === "firing" ? "warn" : "info"]({ alert: a.rule, labels: a.labels, value: a.value }, `alert ${t.to}`);
    try {
      await this.o.events.record({
        kind: t.to === "firing" ? "alert-firing" : "alert-resolved",
        group: a.labels.group ?? null,
        node: a.labels.node ?? null,
        message,
        data: { rule: a.rule, severity: a.severity, labels: a.labels, value: a.value, activeAt: new Date(a.activeAt).toISOString() },
        time: new Date(t.at),
      });
      this.o.live.publish({ type: "invalidate", path: ["events"] });
    } catch (err) {
      this.o.logger.error({ err }, "could not record an alert event");
    }
  }
}

export function ruleSpecOf(r: AlertRule): AlertRuleSpec {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    metric: r.metric,
    comparator: r.comparator as Comparator,
    threshold: r.threshold,
    forSeconds: r.forSeconds,
    group: r.group,
    node: r.node,
    destination: r.destination,
    severity: r.severity as Severity,
    labels: stringMap(r.labels),
    annotations: stringMap(r.annotations),
  };
}

function stringMap(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === "string")) as Record<string, string>;
}
