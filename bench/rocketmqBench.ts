// RocketMQ protocol next to STOMP on the same nodes, same run: one group of three `tandem broker`
// processes (seed 002's SYNC_MASTER + SYNC_FLUSH: a send is answered once fsynced and held by a
// slave), 1 KiB bodies, load from separate processes. Send: SEND_OK (RocketMQ, 8 queues) vs
// RECEIPT (STOMP, persistent), both pipelined 64 deep on one connection. Pull: draining what was
// sent (PULL_MESSAGE, 32 per pull, one pull per queue in flight) vs a STOMP consumer draining its queue.
// Beside the rates (which move with whatever else the machine runs) the master's CPU time per
// message, read from /proc around each phase, compares the two protocols' cost independent of load.
// Run: node --import tsx bench/rocketmqBench.ts   (BENCH_DURATION_MS, default 5000;
// BENCH_PROTOCOLS=stomp or rocketmq runs one side only, e.g. under NODE_OPTIONS=--cpu-prof)
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { RawRemotingClient } from "../e2e/support/RawRemotingClient";
import { RocketMqCluster } from "../e2e/support/rocketmqCluster";
import { RequestCode } from "../server/runtime/rocketmq/remotingCodes";
import type { RmqLoadConfig, RmqLoadResult } from "./rocketmqLoadgen";
import { readCpuSeconds } from "./procStats";
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";

const ROOT = resolve(import.meta.dirname, "..");

export interface RmqBenchRow {
  protocol: string;
  sendMsgPerSec: number;
  sendP50ms: number;
  sendP99ms: number;
  pullMsgPerSec: number;
  /** The master's CPU (user + system) per message sent, warm-up included, in µs. */
  masterSendCpuUs: number;
  /** The master's CPU per message pulled, in µs. */
  masterPullCpuUs: number;
  loadgenCpu: number;
  errors: string;
}

function spawnRmqLoadgen(config: RmqLoadConfig): Promise<RmqLoadResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "rocketmqLoadgen.ts"), JSON.stringify(config)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`rocketmq loadgen exited with ${code}: ${err || out}`));
      else done(JSON.parse(line) as RmqLoadResult);
    });
  });
}

export async function runRocketmqBench(durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000)): Promise<RmqBenchRow[]> {
  const cluster = await RocketMqCluster.start({ groups: ["broker-a"], nodesPerGroup: 3 });
  try {
    const master = await cluster.master("broker-a");
    const addr = `127.0.0.1:${master.listenPort}`;
    const admin = await RawRemotingClient.connect(addr);
    await admin.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "BenchTopic", readQueueNums: 8, writeQueueNums: 8, perm: 6 });
    admin.close();
    const pid = master.proc?.child.pid ?? 0;
    /** The master's CPU seconds spent while `phase` runs. */
    const cpuOf = async <T>(phase: () => Promise<T>): Promise<{ result: T; cpu: number }> => {
      const before = readCpuSeconds(pid) ?? 0;
      const result = await phase();
      return { result, cpu: (readCpuSeconds(pid) ?? 0) - before };
    };
    const perMsgUs = (cpu: number, n: number): number => (n > 0 ? Math.round((cpu / n) * 1e6) : 0);
    const which = process.env.BENCH_PROTOCOLS ?? "stomp,rocketmq";
    const rows: RmqBenchRow[] = [];
    // STOMP first: the cluster's first seconds (JIT, slaves attaching) must not count against RocketMQ alone.
    if (which.includes("stomp")) {
      const send = await cpuOf(() => spawnLoadgen({ ...LOADGEN_DEFAULTS, port: master.stompPort, queue: "/queue/bench-rmq", producers: 1, consumers: 0, receiptEvery: 1, window: 64, durationMs }));
      const drain = await cpuOf(() => spawnLoadgen({ ...LOADGEN_DEFAULTS, port: master.stompPort, queue: "/queue/bench-rmq", producers: 0, consumers: 1, expect: send.result.sent, drainTimeoutMs: 60_000 }));
      rows.push({
        protocol: "STOMP (SEND+receipt / SUBSCRIBE)",
        sendMsgPerSec: Math.round(send.result.receiptRate),
        sendP50ms: send.result.receiptP50,
        sendP99ms: send.result.receiptP99,
        pullMsgPerSec: Math.round(drain.result.consumeRate),
        masterSendCpuUs: perMsgUs(send.cpu, send.result.sentTotal),
        masterPullCpuUs: perMsgUs(drain.cpu, drain.result.consumed),
        loadgenCpu: send.result.loadgenCpu,
        errors: [...send.result.errors, ...drain.result.errors].join("; "),
      });
    }
    if (which.includes("rocketmq")) {
      const config: RmqLoadConfig = { addr, topic: "BenchTopic", queues: 8, producers: 1, window: 64, bodySize: 1024, warmupMs: 1000, durationMs };
      const send = await cpuOf(() => spawnRmqLoadgen({ ...config, phases: "send" }));
      const pull = await cpuOf(() => spawnRmqLoadgen({ ...config, phases: "pull" }));
      const r = send.result;
      rows.push({
        protocol: "RocketMQ remoting (SEND_MESSAGE_V2 / PULL_MESSAGE)",
        sendMsgPerSec: r.sendRate,
        sendP50ms: r.sendP50,
        sendP99ms: r.sendP99,
        pullMsgPerSec: pull.result.pullRate,
        masterSendCpuUs: perMsgUs(send.cpu, r.sendOkTotal),
        masterPullCpuUs: perMsgUs(pull.cpu, pull.result.pulled),
        loadgenCpu: r.loadgenCpu,
        errors: [...r.errors, ...pull.result.errors].join("; "),
      });
    }
    return rows;
  } finally {
    await cluster.stop();
  }
}

if (process.argv[1]?.endsWith("rocketmqBench.ts")) {
  runRocketmqBench()
    .then((rows) => {
      console.table(rows);
      console.log(JSON.stringify({ bench: "rocketmq", rows }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
