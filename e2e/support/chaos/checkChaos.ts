// The chaos run's checker (Jepsen's view): from the stomp.py clients' own records, the faults the
// driver injected and the exits of every process it spawned, decide whether the HA promise held.
// Pure (no I/O) so its rules are unit-tested on hand-made histories.
//
// Rules:
//  - lost: an id whose RECEIPT arrived but that no consumer ever received — must be 0;
//  - duplicates: an id received more than once is explained only if it was in flight at a failover:
//    the producer lost its connection without the receipt during a fault (or when a master stopped
//    serving on its own) and sent it again, or the consumer lost its connection (the ACK died with
//    it) so between two deliveries; failovers nobody injected are listed as findings of their own;
//  - unknown: a delivery of an id no producer sent — must be 0;
//  - exits: every process exit the driver did not cause — must be 0.
// Figures: longest unavailability (longest gap between successive receipts, over all producers),
// failover per fault (disruption → first receipt from another node) and per-fault longest gap.
import type { ClientEvent } from "./clientEvent";
import { FAULT_KINDS, type ExitRecord, type FaultKind, type FaultRecord, type RoleChange } from "./chaosRecords";

export interface ChaosInput {
  producers: ReadonlyArray<readonly ClientEvent[]>;
  consumers: ReadonlyArray<readonly ClientEvent[]>;
  faults: readonly FaultRecord[];
  exits: readonly ExitRecord[];
  /** The nodes' own "promoted to master" / "stopped serving clients" lines. */
  roleChanges?: readonly RoleChange[];
  /** STOMP port → node name, for messages. */
  portNames: ReadonlyMap<number, string>;
}

export interface LostGroup {
  node: string;
  count: number;
  firstReceiptAt: number;
  lastReceiptAt: number;
  /** The fault in progress (or last finished) when they were receipted, and the next one. */
  during?: string;
  nextFault?: string;
  ids: string[];
}

export interface KindStats {
  kind: FaultKind;
  count: number;
  /**
   * Master faults: disruption → first receipt from another node than the one taken down.
   * Coordinator restarts: coordinator listening again → first receipt at or after that.
   */
  failoverMedianMs: number | null;
  failoverMaxMs: number | null;
  /** Longest gap between successive receipts overlapping the fault. */
  gapMedianMs: number | null;
  gapMaxMs: number | null;
  /** Faults after which the group did not settle within the driver's bounds. */
  unsettled: number;
}

export interface FaultFigures {
  index: number;
  kind: FaultKind;
  victim: string;
  failoverMs: number | null;
  longestGapMs: number | null;
}

export interface ChaosVerdict {
  ok: boolean;
  /** One line per broken rule, with examples and the fault that preceded them. */
  problems: string[];
  sent: number;
  acknowledged: number;
  consumed: number;
  lost: string[];
  lostGroups: LostGroup[];
  duplicates: { messages: number; extraDeliveries: number; byResend: number; byRedelivery: number; unexplained: string[] };
  /** Masters that stopped serving outside every injected fault (e.g. a session lost on a loaded host). */
  unprovokedDemotions: RoleChange[];
  unknown: string[];
  unexpectedExits: ExitRecord[];
  longestUnavailability: { ms: number; from: number; to: number; fault: string | null };
  perFault: FaultFigures[];
  byKind: KindStats[];
  failover: { medianMs: number | null; maxMs: number | null; samples: number };
}

const EXAMPLES = 10;

export function describeFault(f: FaultRecord): string {
  return `#${f.index + 1} ${f.kind}(${f.victim})`;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : Math.round((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
}

function max(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.max(...xs);
}

export function checkChaos(input: ChaosInput): ChaosVerdict {
  const problems: string[] = [];
  const faults = [...input.faults].sort((a, b) => a.startedAt - b.startedAt);
  const inFault = (t: number): FaultRecord | undefined => faults.find((f) => f.startedAt <= t && t <= f.endedAt);
  // A master that stops serving on its own is a failover too: clients lose their connection a
  // moment later (the node's log line and the client's record travel apart: a small margin).
  const unprovoked = (input.roleChanges ?? []).filter((r) => r.change === "stopped" && !inFault(r.t));
  const atFailover = (t: number): boolean => !!inFault(t) || unprovoked.some((r) => r.t - 1000 <= t && t <= r.t + 5000);
  const lastFaultBefore = (t: number): FaultRecord | undefined => [...faults].reverse().find((f) => f.startedAt <= t);
  const nextFaultAfter = (t: number): FaultRecord | undefined => faults.find((f) => f.startedAt > t);
  const name = (port: number | null | undefined): string => (port == null ? "?" : (input.portNames.get(port) ?? `port ${port}`));

  // What the producers did, per id.
  const sent = new Set<string>();
  const receipt = new Map<string, { t: number; port: number }>();
  const resentAfterFaultLoss = new Set<string>();
  const resentOtherwise = new Set<string>();
  const receiptTimes: number[] = [];
  for (const events of input.producers) {
    const lostAt = new Map<string, number>(); // id → when its connection was given up without its receipt
    for (const e of events) {
      if (e.ev === "send") {
        sent.add(e.id);
        const loss = lostAt.get(e.id);
        if (e.attempt > 0) (loss !== undefined && atFailover(loss) ? resentAfterFaultLoss : resentOtherwise).add(e.id);
        lostAt.delete(e.id);
      } else if (e.ev === "lost" && e.id !== undefined) {
        lostAt.set(e.id, e.t);
      } else if (e.ev === "receipt") {
        if (!receipt.has(e.id)) receipt.set(e.id, { t: e.t, port: e.port });
        receiptTimes.push(e.t);
      }
    }
  }
  receiptTimes.sort((a, b) => a - b);

  // What the consumers received, per id, and whether the consumer's connection dropped during a
  // fault between two deliveries (the ACK of the first died with the connection).
  const deliveries = new Map<string, number>();
  const redeliveredAfterFaultLoss = new Set<string>();
  const redeliveredOtherwise = new Set<string>();
  const unknown: string[] = [];
  for (const events of input.consumers) {
    const seenAtGen = new Map<string, number>();
    let gen = 0;
    const faultLossSince = new Set<number>(); // generations that ended by a loss during a fault
    for (const e of events) {
      if (e.ev === "lost") {
        if (atFailover(e.t)) faultLossSince.add(gen);
        gen++;
      } else if (e.ev === "msg") {
        deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
        if (!sent.has(e.id)) unknown.push(e.id);
        const prev = seenAtGen.get(e.id);
        if (prev !== undefined) {
          let faultLoss = false;
          for (let g = prev; g < gen; g++) if (faultLossSince.has(g)) faultLoss = true;
          if (faultLoss) redeliveredAfterFaultLoss.add(e.id);
          else if (prev < gen) redeliveredOtherwise.add(e.id);
        }
        seenAtGen.set(e.id, gen);
      }
    }
  }

  // Lost: receipted, never received.
  const lost = [...receipt.keys()].filter((id) => !deliveries.has(id)).sort((a, b) => receipt.get(a)!.t - receipt.get(b)!.t);
  const groups = new Map<string, LostGroup>();
  for (const id of lost) {
    const r = receipt.get(id)!;
    const during = inFault(r.t) ?? lastFaultBefore(r.t);
    const next = nextFaultAfter(r.t);
    const key = `${name(r.port)}|${during?.index ?? -1}|${next?.index ?? -1}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        node: name(r.port),
        count: 0,
        firstReceiptAt: r.t,
        lastReceiptAt: r.t,
        during: during && (inFault(r.t) ? `during ${describeFault(during)}` : `after ${describeFault(during)}`),
        nextFault: next && describeFault(next),
        ids: [],
      };
      groups.set(key, g);
    }
    g.count++;
    g.lastReceiptAt = r.t;
    if (g.ids.length < EXAMPLES) g.ids.push(id);
  }
  const lostGroups = [...groups.values()];
  for (const g of lostGroups) {
    problems.push(
      `LOST ${g.count} acknowledged message(s) receipted by ${g.node} at ${iso(g.firstReceiptAt)}..${iso(g.lastReceiptAt)} ` +
        `(${g.during ?? "before any fault"}; next fault ${g.nextFault ?? "none"}), e.g. ${g.ids.join(", ")}`,
    );
  }

  // Duplicates.
  let messages = 0;
  let extra = 0;
  let byResend = 0;
  let byRedelivery = 0;
  const unexplained: string[] = [];
  for (const [id, n] of deliveries) {
    if (n < 2) continue;
    messages++;
    extra += n - 1;
    if (resentAfterFaultLoss.has(id)) byResend++;
    else if (redeliveredAfterFaultLoss.has(id)) byRedelivery++;
    else unexplained.push(id);
  }
  if (unexplained.length > 0) {
    const why = (id: string): string =>
      resentOtherwise.has(id) ? "resent after a receipt timeout outside any failover" : redeliveredOtherwise.has(id) ? "redelivered after a consumer reconnect outside any failover" : "delivered twice on one connection";
    problems.push(`${unexplained.length} duplicate(s) not in flight at any failover, e.g. ${unexplained.slice(0, EXAMPLES).map((id) => `${id} (${why(id)})`).join(", ")}`);
  }
  if (unknown.length > 0) problems.push(`${unknown.length} deliveries of ids no producer sent, e.g. ${unknown.slice(0, EXAMPLES).join(", ")}`);

  // Exits the driver did not cause.
  const unexpectedExits = input.exits.filter((e) => !e.expected);
  for (const e of unexpectedExits) {
    const f = inFault(e.at) ?? lastFaultBefore(e.at);
    problems.push(
      `${e.name} (pid ${e.pid}) EXITED on its own (code ${e.code}, signal ${e.signal}) at ${iso(e.at)}, ${f ? `during/after ${describeFault(f)}` : "before any fault"}; last lines:\n    ${e.lastLines.join("\n    ")}`,
    );
  }
  for (const f of faults) if (f.error) problems.push(`${describeFault(f)} did not settle: ${f.error}`);

  // Figures.
  let longest = { ms: 0, from: 0, to: 0, fault: null as string | null };
  for (let i = 1; i < receiptTimes.length; i++) {
    const gap = receiptTimes[i]! - receiptTimes[i - 1]!;
    if (gap > longest.ms) {
      const f = faults.find((x) => x.startedAt <= receiptTimes[i]! && receiptTimes[i - 1]! <= x.endedAt);
      longest = { ms: gap, from: receiptTimes[i - 1]!, to: receiptTimes[i]!, fault: f ? describeFault(f) : null };
    }
  }
  const allReceipts = input.producers.flatMap((evs) => evs.filter((e) => e.ev === "receipt")).sort((a, b) => a.t - b.t);
  const perFault: FaultFigures[] = faults.map((f) => {
    const first = allReceipts.find((r) => r.t > f.disruptedAt && r.port !== f.downPort);
    let gap: number | null = null;
    for (let i = 1; i < receiptTimes.length; i++) {
      if (receiptTimes[i]! >= f.startedAt && receiptTimes[i - 1]! <= f.endedAt) gap = Math.max(gap ?? 0, receiptTimes[i]! - receiptTimes[i - 1]!);
    }
    // Coordinator restarts: how long after the coordinator was back acknowledged sends resumed.
    const resumed = f.backAt === undefined ? undefined : allReceipts.find((r) => r.t >= f.backAt!);
    const failoverMs = f.backAt !== undefined ? (resumed ? resumed.t - f.backAt : null) : f.downPort === undefined || !first ? null : first.t - f.disruptedAt;
    return { index: f.index, kind: f.kind, victim: f.victim, failoverMs, longestGapMs: gap };
  });
  const byKind: KindStats[] = FAULT_KINDS.map((kind) => {
    const rows = perFault.filter((p) => p.kind === kind);
    const fo = rows.flatMap((r) => (r.failoverMs === null ? [] : [r.failoverMs]));
    const gaps = rows.flatMap((r) => (r.longestGapMs === null ? [] : [r.longestGapMs]));
    return {
      kind,
      count: rows.length,
      failoverMedianMs: median(fo),
      failoverMaxMs: max(fo),
      gapMedianMs: median(gaps),
      gapMaxMs: max(gaps),
      unsettled: faults.filter((f) => f.kind === kind && f.error).length,
    };
  });
  const failovers = perFault.flatMap((r) => (r.failoverMs === null || r.kind === "coordinator-restart" ? [] : [r.failoverMs]));

  return {
    ok: problems.length === 0,
    problems,
    sent: sent.size,
    acknowledged: receipt.size,
    consumed: deliveries.size,
    lost,
    lostGroups,
    duplicates: { messages, extraDeliveries: extra, byResend, byRedelivery, unexplained },
    unknown,
    unprovokedDemotions: unprovoked,
    unexpectedExits,
    longestUnavailability: longest,
    perFault,
    byKind,
    failover: { medianMs: median(failovers), maxMs: max(failovers), samples: failovers.length },
  };
}

function iso(t: number): string {
  return new Date(t).toISOString().slice(11, 23);
}

/** The run's table, as printed by the test and the bench. */
export function formatChaosTable(v: ChaosVerdict): string {
  const ms = (x: number | null): string => (x === null ? "-" : `${x} ms`);
  const rows: string[][] = [["fault kind", "count", "failover median", "failover max", "longest gap median", "longest gap max", "unsettled"]];
  for (const k of v.byKind) rows.push([k.kind, String(k.count), ms(k.failoverMedianMs), ms(k.failoverMaxMs), ms(k.gapMedianMs), ms(k.gapMaxMs), String(k.unsettled)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  const out = [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  const faults = v.byKind.reduce((s, k) => s + k.count, 0);
  out.push(
    "",
    `faults ${faults}; sent ${v.sent}; acknowledged ${v.acknowledged}; consumed ${v.consumed}; LOST ${v.lost.length}`,
    `duplicates ${v.duplicates.messages} (${v.duplicates.extraDeliveries} extra deliveries): ${v.duplicates.byResend} resent after a lost receipt at a fault, ` +
      `${v.duplicates.byRedelivery} redelivered after an ACK lost at a fault, ${v.duplicates.unexplained.length} unexplained`,
    `unknown deliveries ${v.unknown.length}; unexpected process exits ${v.unexpectedExits.length}`,
    `masters that stopped serving outside the injected faults: ${v.unprovokedDemotions.length}` +
      (v.unprovokedDemotions.length ? ` (${v.unprovokedDemotions.slice(0, 5).map((r) => `${r.node} at ${iso(r.t)}: ${r.reason ?? "?"}`).join("; ")})` : ""),
    `longest unavailability ${v.longestUnavailability.ms} ms${v.longestUnavailability.fault ? ` (at ${v.longestUnavailability.fault})` : ""}`,
    `failover (disruption → first receipt from another node, ${v.failover.samples} master faults): median ${ms(v.failover.medianMs)}, max ${ms(v.failover.maxMs)}; ` +
      `the coordinator-restart row's failover is coordinator back → first receipt`,
  );
  return out.join("\n");
}
