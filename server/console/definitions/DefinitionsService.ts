import type { AlertConfigService } from "../alerts/AlertConfigService";
import { AppError } from "../AppError";
import type { AuthService } from "../auth/AuthService";
import type { Principal } from "../auth/Principal";
import { isRole } from "../auth/roles";
import type { DestinationService } from "../destinations/DestinationService";
import { parseDefinitions, type DefinitionsFile } from "./definitionsFile";

export interface ImportReport {
  destinations: { created: number; existing: number };
  users: { created: number; existing: number };
  alertRules: { created: number; existing: number };
  /** New users' one-time passwords, shown once (the file carries no secrets). */
  oneTimePasswords: Array<{ username: string; password: string }>;
  /** What could not be applied, one sentence each; the rest was. */
  problems: string[];
}

/**
 * Export and import of definitions (destinations, users without secrets, alert rules) as JSON.
 * Import adds what is missing and leaves what exists as it is (it never deletes or overwrites),
 * so importing the same file twice changes nothing the second time.
 */
export class DefinitionsService {
  constructor(private readonly o: { destinations: DestinationService; auth: AuthService; alertConfig: AlertConfigService }) {}

  async export(): Promise<DefinitionsFile & { exportedAt: string }> {
    const list = await this.o.destinations.list({ sort: "name", order: "asc", offset: 0, limit: Number.MAX_SAFE_INTEGER, sparklines: false });
    const destinations = list.items.flatMap((d) => (d.kind === "queue" || d.kind === "topic" ? [{ group: d.group, kind: d.kind, name: d.name }] : []));
    const users = (await this.o.auth.listUsers()).flatMap((u) =>
      isRole(u.role) ? [{ username: u.username, role: u.role, disabled: u.disabled, canReadBodies: u.canReadBodies }] : [],
    );
    const alertRules = (await this.o.alertConfig.rules()).map(({ id: _id, ...rule }) => rule);
    return { format: "tandem-definitions", version: 1, exportedAt: new Date().toISOString(), destinations, users, alertRules };
  }

  /** Validates the whole file first: nothing is applied from a file with any format problem. */
  async import(actor: Principal, text: string): Promise<ImportReport> {
    const parsed = parseDefinitions(text);
    if (!parsed.ok) {
      const n = parsed.problems.length;
      throw new AppError("BAD_REQUEST", `Nothing was imported: the file has ${n} problem${n === 1 ? "" : "s"}. ${parsed.problems.map((p) => `${p}.`).join(" ")}`, "INVALID_DEFINITIONS");
    }
    const file = parsed.file;
    const report: ImportReport = {
      destinations: { created: 0, existing: 0 },
      users: { created: 0, existing: 0 },
      alertRules: { created: 0, existing: 0 },
      oneTimePasswords: [],
      problems: [],
    };
    for (const [i, d] of file.destinations.entries()) {
      try {
        const r = await this.o.destinations.create(d.group, d.kind, d.name);
        if (r.created) report.destinations.created++;
        else report.destinations.existing++;
      } catch (err) {
        report.problems.push(`destinations[${i}] (${d.kind} ${d.name} in ${d.group}) was not created: ${(err as Error).message}`);
      }
    }
    const existingUsers = new Set((await this.o.auth.listUsers()).map((u) => u.username));
    for (const u of file.users) {
      if (existingUsers.has(u.username)) {
        report.users.existing++;
        continue;
      }
      const { password } = await this.o.auth.createUser(u.username, u.role);
      if (u.canReadBodies) await this.o.auth.setBodyAccess(u.username, true);
      if (u.disabled) await this.o.auth.setDisabled(actor, u.username, true);
      report.users.created++;
      report.oneTimePasswords.push({ username: u.username, password });
    }
    const existingRules = new Set((await this.o.alertConfig.rules()).map((r) => r.name));
    for (const [i, rule] of file.alertRules.entries()) {
      if (existingRules.has(rule.name)) {
        report.alertRules.existing++;
        continue;
      }
      try {
        await this.o.alertConfig.createRule(rule as Parameters<AlertConfigService["createRule"]>[0]);
        report.alertRules.created++;
      } catch (err) {
        report.problems.push(`alertRules[${i}] (${rule.name}) was not created: ${(err as Error).message}`);
      }
    }
    return report;
  }
}
