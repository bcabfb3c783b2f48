import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * The node(1) arguments that run one broker node of a cluster file as its own OS process. Every
 * launcher (console supervisor, test harnesses, benchmarks) uses this, so they all run nodes the
 * same way: with a small V8 young generation (see bin/tandem.js) to keep RSS near memoryLimit.
 */
export function brokerNodeArgs(clusterFile: string, nodeName: string): string[] {
  return ["--max-semi-space-size=2", join(ROOT, "bin", "tandem.js"), "broker", "--config", clusterFile, "--node", nodeName];
}
