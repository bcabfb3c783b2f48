// Runs bench/loadgen.ts in its own process and returns its JSON result.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import type { LoadgenConfig, LoadgenResult } from "./loadgen";

const ROOT = resolve(import.meta.dirname, "..");

export const LOADGEN_DEFAULTS: Omit<LoadgenConfig, "port"> = {
  queue: "/queue/bench",
  producers: 1,
  consumers: 0,
  persistent: true,
  receiptEvery: 0,
  window: 1,
  warmupMs: 1000,
  durationMs: 5000,
  count: 0,
  expect: 0,
  bodySize: 1024,
  ackMode: "auto",
  prefetch: 1000,
  drainTimeoutMs: 15_000,
};

export function spawnLoadgen(config: LoadgenConfig): Promise<LoadgenResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "loadgen.ts"), JSON.stringify(config)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`loadgen exited with ${code}: ${err.trim() || out.trim()}`));
        return;
      }
      resolvePromise(JSON.parse(line) as LoadgenResult);
    });
  });
}
