// Where an idle open tab's console CPU goes (`node --import tsx bench/consoleIdleProfile.ts`):
// the same set-up as consoleIdleTabCpu.ts (a real `tandem console` with its six-node embedded
// cluster, one Chromium tab on the Overview, or none with BENCH_TABS=0); after the warm-up the console's inspector is opened
// (SIGUSR1 on a port chosen here) and its CPU profiler records the idle window (BENCH_SECONDS,
// default 60 s); the functions with the most self time, and the project's call paths that lead to
// them, are printed.
// Needs the production build (`npm run build`).
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { chromium, type Browser } from "@playwright/test";
import WebSocket from "ws";
import { startClusterConsoleProcess } from "../e2e/consoleProcess";
import { readCpuSeconds } from "./procStats";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const PASSWORD = "bench admin long password";

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const inspectPort = await freePort();
  // The nodes inherit NODE_OPTIONS too, but only the console is sent SIGUSR1.
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --inspect-port=127.0.0.1:${inspectPort}`.trim();
  const c = await startClusterConsoleProcess();
  delete process.env.NODE_OPTIONS;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  let prof: CpuProfile;
  let cpu: number;
  let threads: Map<string, number>;
  try {
    // BENCH_TABS=0: the console alone (no browser page), what it costs with nobody watching.
    if (process.env.BENCH_TABS !== "0") await openOverview(browser, c);
    process.kill(c.pid, "SIGUSR1");
    await new Promise((r) => setTimeout(r, 20_000));
    const inspector = await Inspector.open(inspectPort);
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: 1000 });
    await inspector.call("Profiler.start");
    const cpu0 = readCpuSeconds(c.pid)!;
    const threads0 = threadCpu(c.pid);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    cpu = readCpuSeconds(c.pid)! - cpu0;
    threads = new Map([...threadCpu(c.pid)].map(([k, v]) => [k, v - (threads0.get(k) ?? 0)]));
    prof = ((await inspector.call("Profiler.stop")) as { profile: CpuProfile }).profile;
    inspector.close();
  } finally {
    await browser.close();
    await c.stop();
  }
  report(prof, cpu, seconds);
  console.log("CPU by thread (s over the window; the profiler's own thread included):");
  for (const [name, sec] of [...threads!.entries()].sort((a, b) => b[1] - a[1]).filter(([, sec]) => sec > 0)) console.log(`  ${sec.toFixed(2).padStart(6)} s  ${name}`);
}

/** One tab logged in (the one-time password changed) and left on the Overview. */
async function openOverview(browser: Browser, c: { url: string; adminPassword: string }): Promise<void> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${c.url}/login`, { waitUntil: "networkidle", timeout: 120_000 });
  await page.getByTestId("login-username").fill("admin");
  await page.getByTestId("login-password").fill(c.adminPassword);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/change-password$/, { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
  await page.getByTestId("pw-current").fill(c.adminPassword);
  await page.getByTestId("pw-new").fill(PASSWORD);
  await page.getByTestId("pw-submit").click({ timeout: 60_000 });
  await page.getByTestId("whoami").waitFor({ timeout: 60_000 });
  await page.goto(`${c.url}/`, { timeout: 120_000 });
}

/** CPU seconds per thread of a process, by "name tid" (/proc/<pid>/task/<tid>/stat). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(`${name} ${tid}`, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** A minimal Chrome DevTools Protocol session with the console's inspector. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result);
    });
  }

  static async open(port: number): Promise<Inspector> {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    return new Inspector(ws);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

function report(prof: CpuProfile, cpuSeconds: number, seconds: number): void {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const self = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i]!;
    const fn = byId.get(id)!.callFrame.functionName;
    if (fn === "(idle)") continue;
    self.set(id, (self.get(id) ?? 0) + 1);
    total++;
  }
  const label = (n: ProfileNode): string => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*node_modules\//, "nm:").replace(/^file:\/\/.*?\/(server|app|components)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
  // Attribute each sample to the first frame of the project's own code on its stack (or the root's child).
  const own = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  for (const [id, count] of self) {
    selfByFn.set(label(byId.get(id)!), (selfByFn.get(label(byId.get(id)!)) ?? 0) + count);
    const chain: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (/\/(server|app|components)\//.test(n.callFrame.url) && !n.callFrame.url.includes("node_modules")) chain.push(label(n));
    }
    const key = chain.slice(-4).reverse().join(" > ") || "(no project frame)";
    own.set(key, (own.get(key) ?? 0) + count);
  }
  console.log(`console CPU over the ${seconds} s idle window: ${((cpuSeconds / seconds) * 100).toFixed(2)} % of a core; ${total} profile samples outside idle`);
  const top = (m: Map<string, number>, k: number): void => {
    for (const [name, n] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k)) console.log(`  ${((n / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  };
  console.log("self time by function:");
  top(selfByFn, 40);
  console.log("by the project's own call path (outermost first):");
  top(own, 25);
  // Each sample to the first area of this list that its stack passes through (the project's own first).
  const areas: Array<[string, RegExp]> = [
    ["coordinator (embedded)", /server\/runtime\/coordinator\//],
    ["node pollers", /NodePoller|AdminClient/],
    ["metrics recorder", /MetricsRecorder|metricSampleRepository/],
    ["alerts", /server\/console\/alerts\//],
    ["cluster monitor / live", /ClusterMonitor|ClusterConsoleRuntime|ClusterRuntime|LiveEvents/],
    ["coordination client", /server\/runtime\/zk\/|zookeeper/],
    ["prisma", /@prisma|better-sqlite3/],
    ["fetch (undici)", /undici/],
    ["socket.io / engine.io", /socket\.io|engine\.io|\/ws\//],
    ["next", /\/next\//],
  ];
  const byArea = new Map<string, number>();
  for (const [id, count] of self) {
    const fn = byId.get(id)!.callFrame.functionName;
    let best = fn.startsWith("(") ? -2 : -1;
    if (best === -1) {
      best = areas.length;
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const url = byId.get(cur)!.callFrame.url;
        const i = areas.findIndex(([, re]) => re.test(url));
        if (i >= 0 && i < best) best = i;
      }
    }
    const area = best === -2 ? fn : best === areas.length ? `other (${label(byId.get(id)!)})` : areas[best]![0];
    byArea.set(area, (byArea.get(area) ?? 0) + count);
  }
  console.log("by area (innermost match on the stack):");
  top(byArea, 30);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
