// Backlog benchmark: BACKLOG_MESSAGES (default 1,000,000) persistent 1 KiB messages are sent with
// no consumer (pipelined, a receipt on every 1000th send), then drained by one consumer. The
// broker's RSS is sampled from /proc every 500 ms throughout: a backlog must page to disk, so
// the target is max RSS < 300 MB whatever the message count.
// Run: BACKLOG_MESSAGES=100000 node --import tsx bench/backlog.ts
import { startBroker } from "../e2e/support/brokerProcess";
import { readRssBytes } from "./procStats";
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";

export interface BacklogResult {
  messages: number;
  produceSeconds: number;
  produceRate: number;
  drainSeconds: number;
  drainRate: number;
  consumed: number;
  maxRssMB: number;
  maxRssProduceMB: number;
  maxRssDrainMB: number;
  targetRssMB: number;
  errors: string[];
}

const MB = 1024 * 1024;

export async function runBacklogBench(messages = Number(process.env.BACKLOG_MESSAGES ?? 1_000_000)): Promise<BacklogResult> {
  // BACKLOG_BROKER_NODE_OPTIONS (e.g. "--max-old-space-size=128") tells heap garbage from retention.
  const nodeOptions = process.env.BACKLOG_BROKER_NODE_OPTIONS;
  const broker = await startBroker({ sync: "local_disk", ...(nodeOptions ? { env: { NODE_OPTIONS: nodeOptions } } : {}) });
  let phase: "produce" | "drain" = "produce";
  const max = { produce: 0, drain: 0 };
  const sample = (): void => {
    const rss = readRssBytes(broker.pid);
    if (rss !== null && rss > max[phase]) max[phase] = rss;
  };
  const sampler = setInterval(sample, 500);
  try {
    sample();
    const produced = await spawnLoadgen({
      ...LOADGEN_DEFAULTS,
      port: broker.port,
      producers: 1,
      consumers: 0,
      receiptEvery: 1000,
      window: 4,
      count: messages,
      durationMs: 30 * 60_000,
    });
    sample();
    phase = "drain";
    const drained = await spawnLoadgen({
      ...LOADGEN_DEFAULTS,
      port: broker.port,
      producers: 0,
      consumers: 1,
      ackMode: "client-individual",
      expect: produced.receipted,
      durationMs: 0,
      drainTimeoutMs: 30 * 60_000,
    });
    sample();
    return {
      messages,
      produceSeconds: produced.produceSeconds,
      produceRate: produced.receiptRate,
      drainSeconds: drained.consumeSeconds,
      drainRate: drained.consumeRate,
      consumed: drained.consumed,
      maxRssMB: Math.round(Math.max(max.produce, max.drain) / MB),
      maxRssProduceMB: Math.round(max.produce / MB),
      maxRssDrainMB: Math.round(max.drain / MB),
      targetRssMB: 300,
      errors: [...produced.errors, ...drained.errors],
    };
  } finally {
    clearInterval(sampler);
    await broker.stop();
    await broker.cleanup();
  }
}

if (process.argv[1]?.endsWith("backlog.ts")) {
  runBacklogBench()
    .then((r) => {
      console.table([r]);
      console.log(JSON.stringify({ bench: "backlog", result: r }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
