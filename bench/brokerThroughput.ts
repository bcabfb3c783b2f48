// The broker benchmark: 1 KiB bodies, one queue, loopback, load from a separate process.
//  (a) persistent, receipt per send, 1 producer, no consumer
//  (b) persistent, no receipts, 1 producer + 1 consumer
//  (c) non-persistent, 1 producer + 1 consumer
//  (d) persistent, receipt per send, 4 producers + 4 consumers
// (a) and (d) run twice: "strict" (each send waits for its receipt) and "pipelined" (up to 64
// receipts outstanding per producer). Consumers use ack=auto. Every scenario gets a fresh broker
// (sync=local_disk) so one scenario's backlog never slows the next.
// Run: node --import tsx bench/brokerThroughput.ts   (BENCH_DURATION_MS to change the 5 s bound)
import { startBroker } from "../e2e/support/brokerProcess";
import { hashPassword } from "../server/runtime/security/passwordHash";
import type { LoadgenConfig, LoadgenResult } from "./loadgen";
import { readCpuSeconds } from "./procStats";
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";

export interface ThroughputRow {
  scenario: string;
  /** The figure the target applies to: receipted msg/s for (a)/(d), consumed msg/s for (b)/(c). */
  msgPerSec: number;
  target: number;
  latency: "send→receipt" | "send→consume";
  p50ms: number;
  p99ms: number;
  sent: number;
  consumed: number;
  /** Broker CPU use over the scenario (1.0 = one core busy). */
  brokerCpu: number;
  /** The load generator's CPU over the scenario. */
  loadgenCpu: number;
  errors: string;
}

interface Scenario {
  name: string;
  target: number;
  config: Partial<LoadgenConfig>;
  receiptLatency: boolean;
  /** Count messages the broker took in (send rate) rather than delivered (selector scenario). */
  sendRate?: boolean;
  /** Users and permissions on: every connection logs in and is authorised per destination. */
  auth?: boolean;
}

const BENCH_USER = { login: "bench", passcode: "bench-password-1" };

const SCENARIOS: Scenario[] = [
  { name: "(a) persistent, receipt/send, 1P, strict", target: 5000, receiptLatency: true, config: { receiptEvery: 1, window: 1 } },
  { name: "(a) persistent, receipt/send, 1P, pipelined 64", target: 5000, receiptLatency: true, config: { receiptEvery: 1, window: 64 } },
  { name: "(b) persistent, no receipts, 1P+1C", target: 35000, receiptLatency: false, config: { consumers: 1 } },
  { name: "(c) non-persistent, 1P+1C", target: 60000, receiptLatency: false, config: { persistent: false, consumers: 1 } },
  { name: "(d) persistent, receipt/send, 4P+4C, strict", target: 12000, receiptLatency: true, config: { producers: 4, consumers: 4, receiptEvery: 1, window: 1 } },
  { name: "(d) persistent, receipt/send, 4P+4C, pipelined 64", target: 12000, receiptLatency: true, config: { producers: 4, consumers: 4, receiptEvery: 1, window: 64 } },
  // Issue 4: next to (c) and (d), within 15 % of them.
  { name: "(e) non-persistent topic, selector 1 of 10, 1P+1C (broker intake)", target: 60000, receiptLatency: false, sendRate: true, config: { persistent: false, consumers: 1, queue: "/topic/bench", selector: "n = 0", selectorCycle: 10 } },
  { name: "(c') non-persistent, 1P+1C, authentication on", target: 60000, receiptLatency: false, auth: true, config: { persistent: false, consumers: 1, ...BENCH_USER } },
  { name: "(d') persistent, receipt/send, 4P+4C, pipelined 64, authentication on", target: 12000, receiptLatency: true, auth: true, config: { producers: 4, consumers: 4, receiptEvery: 1, window: 64, ...BENCH_USER } },
];

async function securityConfig(): Promise<Record<string, unknown>> {
  return {
    users: [{ username: BENCH_USER.login, passwordHash: await hashPassword(BENCH_USER.passcode), groups: ["apps"] }],
    authorizationEntries: [
      { destination: "/queue/>", read: ["apps"], write: ["apps"], admin: ["apps"] },
      { destination: "/topic/>", read: ["apps"], write: ["apps"], admin: ["apps"] },
    ],
  };
}

export async function runThroughputBench(durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000)): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const s of SCENARIOS) {
    const broker = await startBroker({ sync: "local_disk", cluster: s.auth ? await securityConfig() : undefined });
    try {
      const cpu0 = readCpuSeconds(broker.pid) ?? 0;
      const wall0 = Date.now();
      const r: LoadgenResult = await spawnLoadgen({ ...LOADGEN_DEFAULTS, durationMs, ...s.config, port: broker.port });
      const cpu = ((readCpuSeconds(broker.pid) ?? 0) - cpu0) / ((Date.now() - wall0) / 1000);
      rows.push({
        scenario: s.name,
        msgPerSec: s.receiptLatency ? r.receiptRate : s.sendRate ? r.sendRate : r.consumeRate,
        target: s.target,
        latency: s.receiptLatency ? "send→receipt" : "send→consume",
        p50ms: s.receiptLatency ? r.receiptP50 : r.e2eP50,
        p99ms: s.receiptLatency ? r.receiptP99 : r.e2eP99,
        sent: r.sent,
        consumed: r.consumed,
        brokerCpu: Math.round(cpu * 100) / 100,
        loadgenCpu: r.loadgenCpu,
        errors: r.errors.join("; "),
      });
      console.error(`done: ${s.name} → ${JSON.stringify(rows[rows.length - 1])}`);
    } finally {
      await broker.stop();
      await broker.cleanup();
    }
  }
  return rows;
}

if (process.argv[1]?.endsWith("brokerThroughput.ts")) {
  runThroughputBench()
    .then((rows) => {
      console.table(rows);
      console.log(JSON.stringify({ bench: "brokerThroughput", rows }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
