import { startBroker } from "../e2e/support/brokerProcess";
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";
const cfg = JSON.parse(process.env.CFG ?? "{}");
const broker = await startBroker({ sync: "local_disk", env: process.env.PROF ? { NODE_OPTIONS: "--cpu-prof --cpu-prof-dir=/tmp/prof" } : {} });
const r = await spawnLoadgen({ ...LOADGEN_DEFAULTS, durationMs: 5000, ...cfg, port: broker.port });
console.log(JSON.stringify({ lg: r.loadgenCpu, consume: Math.round(r.consumeRate), send: Math.round(r.sendRate), receipt: Math.round(r.receiptRate), p50: r.e2eP50, p99: r.e2eP99 }));
await broker.stop(); await broker.cleanup();
