// Network bridge: the forwarded path (producer on group1, consumer on group2, one bridge between
// them) against the local path (producer and consumer on group1) in the same run, same brokers.
// Persistent, receipt per send, 64 outstanding, 1 KiB, 1P+1C; latency is send → MESSAGE at the
// consumer (one process, one clock), so the difference is what the hop adds.
// Run: node --import tsx bench/bridgeBench.ts   (BENCH_DURATION_MS bounds each run, default 5 s)
import { NetworkCluster } from "../e2e/support/networkCluster";
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";

export interface BridgeBenchRow {
  bench: string;
  result: string;
  target: string;
  met: string;
}

export async function runBridgeBench(durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000)): Promise<BridgeBenchRow[]> {
  const net = await NetworkCluster.start([
    { name: "group1", nodes: 1, networkConnectors: [{ name: "g1-g2", group: "group2" }] },
    { name: "group2", nodes: 1 },
  ]);
  try {
    await net.waitForLog("group1-mq1", (l) => l.msg === "bridge up", 60_000, "bridge up");
    const [g1] = net.portsOf("group1");
    const [g2] = net.portsOf("group2");
    const base = { ...LOADGEN_DEFAULTS, durationMs, consumers: 1, receiptEvery: 1, window: 64, port: g1! };
    // The local path with an auto-ack consumer never touches the journal (store elision: the
    // consumer takes each message as it arrives), while a message for a bridge is journaled until
    // the remote receipts it. The client-ack local run is the like-for-like baseline.
    const localAuto = await spawnLoadgen({ ...base, queue: "/queue/bench.local.auto" });
    const local = await spawnLoadgen({ ...base, queue: "/queue/bench.local", ackMode: "client-individual" });
    const forwarded = await spawnLoadgen({ ...base, queue: "/queue/bench.forwarded", consumerPort: g2! });
    const ratio = forwarded.consumeRate / Math.max(1, local.consumeRate);
    const rows: BridgeBenchRow[] = [
      { bench: "bridge: local path 1P+1C persistent, receipt/send, pipelined 64, consumer ack=auto (journal elided)", result: `${localAuto.consumeRate} msg/s consumed, send→consume p50 ${localAuto.e2eP50} ms p99 ${localAuto.e2eP99} ms`, target: "-", met: "-" },
      { bench: "bridge: local path, same load, consumer ack=client-individual (journaled)", result: `${local.consumeRate} msg/s consumed, send→consume p50 ${local.e2eP50} ms p99 ${local.e2eP99} ms`, target: "-", met: "-" },
      {
        bench: "bridge: forwarded path group1 → group2, same load",
        result: `${forwarded.consumeRate} msg/s consumed (${ratio.toFixed(2)}x journaled local, ${(forwarded.consumeRate / Math.max(1, localAuto.consumeRate)).toFixed(2)}x elided local), send→consume p50 ${forwarded.e2eP50} ms p99 ${forwarded.e2eP99} ms; the hop adds p50 ${(forwarded.e2eP50 - local.e2eP50).toFixed(2)} ms, p99 ${(forwarded.e2eP99 - local.e2eP99).toFixed(2)} ms; sent ${forwarded.sent}, consumed ${forwarded.consumed}${forwarded.errors.length ? ` [${forwarded.errors.join("; ")}]` : ""}`,
        target: ">= 0.5x journaled local msg/s",
        met: ratio >= 0.5 && forwarded.consumed >= forwarded.sent ? "yes" : "NO",
      },
    ];
    return rows;
  } finally {
    await net.stop();
  }
}

if (process.argv[1]?.endsWith("bridgeBench.ts")) {
  runBridgeBench()
    .then((rows) => console.table(rows))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
