// CPU per message of the RocketMQ send path in one process, independent of machine load and of
// batching: SEND_MESSAGE_V2 frames (1 KiB bodies) decoded, handled by the broker over a real
// journal (local_mem: no fsync, no slaves — the durability wait is the STOMP path's too) and the
// answers encoded, 64 per event-loop turn as the pipelined bench sends them. Prints µs/message.
// Run: node --import tsx bench/rmqSendPathCpu.ts   (RMQ_CPU_MESSAGES, default 100000)
import type { TestContext } from "node:test";
import { RequestCode, ResponseCode } from "../server/runtime/rocketmq/remotingCodes";
import { decodeFrame, encodeCommand, type RemotingCommand } from "../server/runtime/rocketmq/remotingCodec";
import type { RemotingConnection } from "../server/runtime/rocketmq/RemotingServer";
import { rmqTestBroker } from "../server/runtime/testing/rmqTestBroker";

async function main(): Promise<void> {
  const total = Number(process.env.RMQ_CPU_MESSAGES ?? 100_000);
  const cleanups: Array<() => Promise<void> | void> = [];
  const t = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) } as unknown as TestContext;
  const { broker } = await rmqTestBroker(t, { settings: { maxMessageSize: 4 << 20, defaultTopicQueueNums: 8 }, segmentSize: 64 << 20 });
  const send = broker.handlers().get(RequestCode.SEND_MESSAGE_V2)!;
  const conn = { remote: "127.0.0.1:5555", isClosed: false, onClose: () => {}, notify: () => {} } as unknown as RemotingConnection;
  const body = Buffer.alloc(1024, 97);
  let opaque = 1;
  const frame = (queueId: number): Buffer => {
    const ext = { a: "bench", b: "BenchTopic", c: "TBW102", d: "8", e: String(queueId), f: "0", g: String(Date.now()), h: "0", i: "", j: "0", m: "false" };
    return encodeCommand({ code: RequestCode.SEND_MESSAGE_V2, opaque: opaque++, flag: 0, extFields: ext, body, remark: null }).subarray(4);
  };
  let failed = 0;
  const turn = async (): Promise<void> => {
    const frames = Array.from({ length: 64 }, (_, i) => frame(i % 8));
    await Promise.all(
      frames.map(async (f) => {
        const item = decodeFrame(f);
        if (item.kind !== "command") throw new Error(`bad frame: ${JSON.stringify(item)}`);
        const reply = (await send(item.command, conn)) as RemotingCommand;
        if (reply.code !== ResponseCode.SUCCESS) failed++;
        encodeCommand({ ...reply, opaque: item.command.opaque });
      }),
    );
  };
  for (let i = 0; i < 20_000 / 64; i++) await turn(); // warm-up: JIT
  const turns = Math.ceil(total / 64);
  const c0 = process.cpuUsage();
  for (let i = 0; i < turns; i++) await turn();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / (turns * 64);
  for (const fn of cleanups) await fn();
  console.log(JSON.stringify({ bench: "rmqSendPathCpu", messages: turns * 64, failed, cpuUsPerMessage: Math.round(us * 100) / 100 }));
}

void main();
