import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import { Journal } from "./Journal";
import { crashPayload } from "./journalCrashPayload";

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, "journalCrashChild.ts");
const dirs: string[] = [];
const children = new Set<ReturnType<typeof spawn>>();
after(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface CrashRun {
  acked: number[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the child until it has acknowledged `killAfterAcks` ids, waits `extraMs`, then SIGKILLs it. */
function runAndKill(dir: string, killAfterAcks: number, extraMs: number): Promise<CrashRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript, dir], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    const acked: number[] = [];
    let partial = "";
    let stderr = "";
    let killScheduled = false;
    const guard = setTimeout(() => child.kill("SIGKILL"), 30_000); // never hang the suite
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? ""; // an unterminated line may be cut by the kill: not an ack
      for (const line of lines) acked.push(Number(line));
      if (!killScheduled && acked.length >= killAfterAcks) {
        killScheduled = true;
        setTimeout(() => child.kill("SIGKILL"), extraMs);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      clearTimeout(guard);
      children.delete(child);
      resolve({ acked, signal, stderr });
    });
  });
}

describe("Journal crash safety with a real process killed by SIGKILL", () => {
  // Varied kill points: early (first segment), after several rolls, and random ones.
  const plans = [
    { acks: 5, extraMs: 0 },
    { acks: 200, extraMs: 3 },
    { acks: 1500, extraMs: 0 },
    { acks: 50 + Math.floor(Math.random() * 3000), extraMs: Math.floor(Math.random() * 20) },
    { acks: 50 + Math.floor(Math.random() * 3000), extraMs: Math.floor(Math.random() * 20) },
  ];
  for (const [iteration, plan] of plans.entries()) {
    test(`iteration ${iteration}: kill after ${plan.acks} acks + ${plan.extraMs} ms`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "journal-crash-"));
      dirs.push(dir);
      const run = await runAndKill(dir, plan.acks, plan.extraMs);
      assert.equal(run.signal, "SIGKILL", `child must die by SIGKILL mid-stream; stderr: ${run.stderr}`);
      assert.ok(run.acked.length >= plan.acks, `child acknowledged only ${run.acked.length} ids`);

      const journal = await Journal.open({ dir, segmentSize: 64 * 1024 });
      try {
        const ids: number[] = [];
        let lastPosition = -1;
        await journal.read(journal.startPosition, (r) => {
          assert.ok(r.position > lastPosition, "records must come back in position order");
          lastPosition = r.position;
          const id = r.payload.readUInt32LE(0);
          assert.deepEqual(r.payload, crashPayload(id), `record at ${r.position} (id ${id}) is not intact`);
          ids.push(id);
        });
        // Ids were taken in append order, and the journal keeps a prefix of what was appended,
        // so the recovered ids must be exactly 0..n-1: each present once, in order, no holes.
        ids.forEach((id, i) => assert.equal(id, i, `record #${i} holds id ${id}`));
        const recovered = ids.length;
        const missing = run.acked.filter((id) => id >= recovered);
        assert.deepEqual(missing, [], `acknowledged ids lost (recovered ${recovered} records)`);
        assert.equal(journal.recovery.records, recovered);
        assert.equal(new Set(run.acked).size, run.acked.length, "child acknowledged an id twice");
        // The recovered journal accepts appends right at its end.
        assert.equal(journal.append(crashPayload(recovered)), journal.recovery.endPosition);
        await journal.sync();
      } finally {
        await journal.close();
      }
    });
  }
});
