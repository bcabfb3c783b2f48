// RocketMQ load generator, run in its own process by bench/rocketmqBench.ts: pipelined
// SEND_MESSAGE_V2 (window outstanding per connection, round-robin over the queues) for durationMs,
// counting SEND_OK answers; then PULL_MESSAGE of everything sent, one pull outstanding per queue.
// Prints one JSON line.
import { RawRemotingClient } from "../e2e/support/RawRemotingClient";
import { RequestCode, ResponseCode } from "../server/runtime/rocketmq/remotingCodes";
import { LatencyRecorder } from "./LatencyRecorder";
import { readCpuSeconds } from "./procStats";

export interface RmqLoadConfig {
  addr: string;
  topic: string;
  queues: number;
  producers: number;
  window: number;
  bodySize: number;
  warmupMs: number;
  durationMs: number;
  /** Which phases to run (default both): the bench reads the master's CPU between them. */
  phases?: "send" | "pull" | "both";
}

export interface RmqLoadResult {
  sendOk: number;
  /** Every SEND_OK, warm-up included (the master's CPU per message divides by this). */
  sendOkTotal: number;
  notOk: number;
  sendRate: number;
  sendP50: number;
  sendP99: number;
  pulled: number;
  pullRate: number;
  loadgenCpu: number;
  errors: string[];
}

async function run(c: RmqLoadConfig): Promise<RmqLoadResult> {
  const cpu0 = readCpuSeconds(process.pid) ?? 0;
  const wall0 = Date.now();
  const body = Buffer.alloc(c.bodySize, 97);
  const lat = new LatencyRecorder();
  const errors = new Set<string>();
  let ok = 0;
  let okTotal = 0;
  let notOk = 0;
  let measuring = false;
  const start = Date.now();
  const measureFrom = start + c.warmupMs;
  const stopAt = measureFrom + c.durationMs;
  const phases = c.phases ?? "both";
  const clients = await Promise.all(Array.from({ length: c.producers }, () => RawRemotingClient.connect(c.addr)));
  let rr = 0;
  await Promise.all(
    clients.map(async (client) => {
      const lanes = Array.from({ length: c.window }, async () => {
        while (phases !== "pull" && Date.now() < stopAt) {
          const queueId = rr++ % c.queues;
          const t0 = performance.now();
          const r = await client.request(RequestCode.SEND_MESSAGE_V2, { a: "bench", b: c.topic, e: queueId, f: 0, g: Date.now(), h: 0, i: "", j: 0 }, body);
          if (r.code === ResponseCode.SUCCESS) okTotal++;
          measuring = Date.now() >= measureFrom;
          if (!measuring) continue;
          if (r.code === ResponseCode.SUCCESS) {
            ok++;
            lat.record(performance.now() - t0);
          } else {
            notOk++;
            errors.add(`${r.code}: ${r.remark}`);
          }
        }
      });
      await Promise.all(lanes);
    }),
  );
  const sendSeconds = c.durationMs / 1000;
  // Pull everything in the queues (warm-up messages included) from offset 0.
  const puller = clients[0];
  const pullStart = Date.now();
  let pulled = 0;
  await Promise.all(
    Array.from({ length: phases === "send" ? 0 : c.queues }, async (_, queueId) => {
      let offset = 0;
      for (;;) {
        const r = await puller.request(RequestCode.PULL_MESSAGE, { consumerGroup: "bench", topic: c.topic, queueId, queueOffset: offset, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subscription: "*", subVersion: 0 });
        if (r.code !== ResponseCode.SUCCESS) break;
        const next = Number(r.extFields.nextBeginOffset);
        pulled += next - offset;
        offset = next;
      }
    }),
  );
  const pullSeconds = (Date.now() - pullStart) / 1000;
  for (const cl of clients) cl.close();
  const [p50, p99] = lat.percentiles([50, 99]);
  return {
    sendOk: ok,
    sendOkTotal: okTotal,
    notOk,
    sendRate: Math.round(ok / sendSeconds),
    sendP50: Math.round(p50 * 100) / 100,
    sendP99: Math.round(p99 * 100) / 100,
    pulled,
    pullRate: pullSeconds > 0 ? Math.round(pulled / pullSeconds) : 0,
    loadgenCpu: Math.round((((readCpuSeconds(process.pid) ?? 0) - cpu0) / ((Date.now() - wall0) / 1000)) * 100) / 100,
    errors: [...errors].slice(0, 5),
  };
}

if (process.argv[1]?.endsWith("rocketmqLoadgen.ts")) {
  run(JSON.parse(process.argv[2] ?? "{}") as RmqLoadConfig)
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
