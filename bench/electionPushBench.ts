// How fast an election reaches the console: from the elector's znode write to the console's
// ClusterMonitor emitting the new group state (which ClusterConsoleRuntime pushes to browsers
// over socket.io at once). A real coordinator process-free setup: Tandem's coordinator in this
// process, one client playing three members, another session for the monitor.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { ClusterMonitor } from "../server/console/cluster/ClusterMonitor";
import { CoordinatorServer } from "../server/runtime/coordinator/CoordinatorServer";
import { CoordinationClient } from "../server/runtime/zk/CoordinationClient";

export async function runElectionPushBench(rounds = 50): Promise<Array<{ bench: string; result: string; target: string; met: string }>> {
  const logger = pino({ level: "warn" });
  const dir = await mkdtemp(join(tmpdir(), "tandem-election-bench-"));
  const server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger });
  const { host, port } = server.address();
  const members = await CoordinationClient.connect({ connectString: `${host}:${port}`, logger });
  const watcher = await CoordinationClient.connect({ connectString: `${host}:${port}`, logger });
  const path = "/bench/group1";
  await members.ensurePath(path);
  const names: string[] = [];
  for (const node of ["mq1", "mq2", "mq3"]) {
    const data = { id: "bench", container: node, address: null, position: 0, weight: 1, elected: null };
    names.push(await members.create(`${path}/0`, Buffer.from(JSON.stringify(data)), "ephemeral_sequential"));
  }
  const monitor = new ClusterMonitor(watcher, [{ name: "group1", zkPath: path, replicas: 3, sync: "quorum_mem", nodes: ["mq1", "mq2", "mq3"] }], logger);
  await monitor.start();
  const latencies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const target = r % 3;
    const eid = names[target].slice(names[target].lastIndexOf("/") + 2);
    const seen = new Promise<number>((resolve) => {
      const onGroup = (g: { master: string | null }): void => {
        if (g.master === `mq${target + 1}`) {
          monitor.off("group", onGroup);
          resolve(performance.now());
        }
      };
      monitor.on("group", onGroup);
    });
    // The new master publishes its address; the elector (lowest member) names it elected.
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) {
      const data = { id: "bench", container: `mq${i + 1}`, address: i === target ? "tcp://127.0.0.1:1" : null, position: -1, weight: 1, elected: i === 0 ? eid : null };
      await members.setData(names[i], Buffer.from(JSON.stringify(data)));
    }
    latencies.push((await seen) - t0);
  }
  monitor.stop();
  await watcher.close();
  await members.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)];
  const max = latencies[latencies.length - 1];
  return [
    {
      bench: `election znode write → console group state (${rounds} elections)`,
      result: `p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
      target: "< 1000 ms",
      met: max < 1000 ? "yes" : "NO",
    },
  ];
}

if (process.argv[1]?.endsWith("electionPushBench.ts")) {
  runElectionPushBench().then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
