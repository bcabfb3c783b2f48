// Playwright support (not a spec): the console as a real child process on an ephemeral port, with
// its own temporary database, plus page helpers shared by e2e/console*.spec.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { freePortOffset } from "./support/freePortOffset";
import { expect, type Page } from "@playwright/test";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * Waits for the console's own "listening" log line (the embedded coordinator logs one too, with
 * another service) and the one-time admin password printed before it; collects stdout in `lines`.
 */
function awaitConsoleStart(child: ChildProcess, lines: string[], stderr: () => string, timeoutMs: number): Promise<{ port: number; password: string }> {
  return new Promise((resolveStart, reject) => {
    let password: string | undefined;
    const timer = setTimeout(() => reject(new Error(`console did not start within ${timeoutMs / 1000} s; stderr: ${stderr()}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      const m = /^admin password: (\S+)$/.exec(line);
      if (m) password = m[1];
      try {
        const j = JSON.parse(line) as { msg?: string; port?: number; service?: string };
        if (j.msg === "listening" && j.service === "console" && typeof j.port === "number") {
          clearTimeout(timer);
          if (password === undefined) reject(new Error("console started without printing an admin password"));
          else resolveStart({ port: j.port, password });
        }
      } catch {
        // not a JSON log line
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`console exited with ${code} before listening; stderr: ${stderr()}`));
    });
  });
}

export interface ConsoleProcess {
  url: string;
  /** The temporary directory holding console.db. */
  dir: string;
  /** The one-time password the console printed on first start. */
  adminPassword: string;
  lines: string[];
  stop(): Promise<void>;
}

export async function startConsoleProcess(extraEnv: Record<string, string> = {}): Promise<ConsoleProcess> {
  if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first (npm run e2e does)");
  const dir = await mkdtemp(join(tmpdir(), "tandem-console-e2e-"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      TANDEM_CONSOLE_PORT: "0",
      TANDEM_CONSOLE_HOST: "127.0.0.1",
      DATABASE_URL: `file:${join(dir, "console.db")}`,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const started = await awaitConsoleStart(child, lines, () => stderr, 60_000);
  return {
    url: `http://127.0.0.1:${started.port}`,
    dir,
    adminPassword: started.password,
    lines,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login page; when the password is one-time, replaces it with `newPassword`. */
export async function logIn(page: Page, url: string, username: string, password: string, newPassword?: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  if (newPassword !== undefined) {
    await expect(page).toHaveURL(/\/change-password$/);
    await page.getByTestId("pw-current").fill(password);
    await page.getByTestId("pw-new").fill(newPassword);
    await page.getByTestId("pw-submit").click();
  }
  await expect(page.getByTestId("whoami")).toContainText(username);
}

/** Calls a tRPC mutation with the page's cookies, as the console's own client does. */
export async function trpcMutation(page: Page, url: string, path: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const res = await page.request.post(`${url}/api/trpc/${path}`, {
    headers: { "content-type": "application/json", "x-tandem-csrf": "1", origin: url },
    data: { json: input },
  });
  return { status: res.status(), body: await res.json() };
}

export interface ClusterConsoleProcess extends ConsoleProcess {
  portOffset: number;
  /** The console process (the nodes are its children). */
  pid: number;
  /** --data-dir: cluster/secrets.json holds the nodes' admin token. */
  dataDir: string;
  /** STOMP address of node i (0-based) of the seed topology: 61613 + offset + 10 i. */
  stompPort(i: number): number;
}

/**
 * `tandem console` with its embedded cluster (coordinator + six node processes) on free ports
 * and a fresh data directory: the console on an ephemeral port, the seed ports moved by a free
 * random --port-offset.
 */
export async function startClusterConsoleProcess(): Promise<ClusterConsoleProcess> {
  if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first (npm run e2e does)");
  const dir = await mkdtemp(join(tmpdir(), "tandem-console-cluster-e2e-"));
  const portOffset = await freePortOffset();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "bin", "tandem.js"), "console", "--data-dir", dir, "--port", "0", "--coordinator-port", "0", "--port-offset", String(portOffset)],
    // Its own process group: if the console has to be killed, its node processes go with it.
    { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: `file:${join(dir, "console.db")}` }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group is already gone
    }
  };
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(killGroup, 15_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = await awaitConsoleStart(child, lines, () => stderr, 90_000);
    return {
      url: `http://127.0.0.1:${started.port}`,
      dir,
      adminPassword: started.password,
      lines,
      portOffset,
      pid: child.pid!,
      dataDir: dir,
      stompPort: (i) => 61613 + portOffset + 10 * i,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `tandem console --zk … --config …` attached to a running cluster, on an ephemeral port with a fresh database. */
export async function startAttachedConsoleProcess(zk: string, clusterFile: string, adminToken: string): Promise<ConsoleProcess> {
  if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first (npm run e2e does)");
  const dir = await mkdtemp(join(tmpdir(), "tandem-console-attached-e2e-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "bin", "tandem.js"), "console", "--zk", zk, "--config", clusterFile, "--admin-token", adminToken, "--data-dir", dir, "--port", "0"],
    { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: `file:${join(dir, "console.db")}` }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = await awaitConsoleStart(child, lines, () => stderr, 90_000);
    return { url: `http://127.0.0.1:${started.port}`, dir, adminPassword: started.password, lines, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
