// Shared helpers for the coordinator e2e suites: run `tandem coordinator` as a real child
// process, talk to it with real peers (zkCli.sh, kazoo), and clean up after.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The CLI entry; overridable so the suites can run before every subcommand exists. */
const CLI = process.env.TANDEM_CLI ?? "server/cli.ts";
export const PYTHON = "/usr/bin/python3"; // Debian's python, which has python3-kazoo
export const ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh";

export interface CoordinatorProcess {
  port: number;
  child: ChildProcess;
  /** Lines the process printed on stdout (JSON logs). */
  lines: string[];
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill9(): Promise<void>;
}

export async function tempDir(prefix = "tandem-coord-"): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function startCoordinator(dataDir: string, extraArgs: string[] = []): Promise<CoordinatorProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "coordinator", "--port", "0", "--data-dir", dataDir, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: a cold start (tsx transpiling) on a loaded machine can take many seconds.
    const timer = setTimeout(() => reject(new Error(`coordinator did not log "listening" within 60s; stderr: ${stderr}`)), 60_000);
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      lines.push(line);
      try {
        const j = JSON.parse(line) as { msg?: string; port?: number };
        if (j.msg === "listening" && typeof j.port === "number") {
          clearTimeout(timer);
          resolve(j.port);
        }
      } catch {
        // not JSON
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`coordinator exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    port,
    child,
    lines,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      return exited;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to completion with optional stdin, bounded by a timeout. */
export function run(cmd: string, args: string[], input?: string, timeoutMs = 30000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} timed out after ${timeoutMs}ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

export function python(script: string, args: string[] = [], timeoutMs = 30000): Promise<RunResult> {
  return run(PYTHON, ["-c", script, ...args], undefined, timeoutMs);
}

/** One four-letter word: raw bytes, no framing; the server answers and closes. */
export function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(word));
    let out = "";
    s.on("data", (d) => (out += d.toString()));
    s.on("end", () => resolve(out));
    s.on("error", reject);
    s.setTimeout(5000, () => {
      s.destroy();
      reject(new Error(`no answer to ${word}`));
    });
  });
}
