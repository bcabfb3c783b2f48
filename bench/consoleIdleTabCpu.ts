// What an idle console costs, and what each idle open tab adds (`node --import tsx bench/consoleIdleTabCpu.ts`):
// a real `tandem console` with its embedded six-node cluster (the coordinator runs inside the
// console process). One console, measured in phases: BENCH_TABS is a comma list of tab counts
// (default "0,1"; "0,1,5" adds a five-tab phase). Phase 0 has no browser page open; each later
// phase opens Chromium tabs (logged in, left on the Overview) up to its count. After a warm-up per
// phase the console process's CPU is sampled from /proc/<pid>/stat over BENCH_SECONDS (default
// 60 s) and the tRPC requests the tabs sent in that time are counted, and the live-channel (socket.io)
// frames they received, by kind. Printed: each phase's
// absolute CPU and its cost per tab over the no-tab phase. Target (issue #12): ≤ 1 % of one core
// with one tab. Needs the production build (`npm run build`).
import { performance } from "node:perf_hooks";
import { chromium } from "@playwright/test";
import type { Page } from "@playwright/test";
import { startClusterConsoleProcess } from "../e2e/consoleProcess";
import { readCpuSeconds } from "./procStats";

const PASSWORD = "bench admin long password";

/**
 * Login and the one-time password change, waiting for each page to hydrate first (on a loaded
 * machine a field filled before React attached keeps the Save button disabled).
 */
async function signIn(page: Page, url: string, oneTimePassword: string): Promise<void> {
  await page.goto(`${url}/login`, { waitUntil: "networkidle" });
  await page.getByTestId("login-username").fill("admin");
  await page.getByTestId("login-password").fill(oneTimePassword);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/change-password$/, { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
  await page.getByTestId("pw-current").fill(oneTimePassword);
  await page.getByTestId("pw-new").fill(PASSWORD);
  await page.getByTestId("pw-submit").click({ timeout: 60_000 });
  await page.getByTestId("whoami").waitFor({ timeout: 60_000 });
}

/**
 * Hands group1's mastership over and times the new master's arrival on the (idle) Overview page
 * against the election's time in the console's event log (the same clock: one machine).
 */
async function electionToPage(page: Page, url: string): Promise<number | null> {
  const cell = page.getByTestId("overview-master-group1");
  const before = (await cell.textContent())?.trim() ?? "";
  if (before === "" || before === "none") return null;
  const res = await page.request.post(`${url}/api/trpc/cluster.handover`, {
    headers: { "content-type": "application/json", "x-tandem-csrf": "1", origin: url },
    data: { json: { name: before } },
  });
  if (!res.ok()) throw new Error(`handover of ${before}: HTTP ${res.status()} ${await res.text()}`);
  const handle = await page.waitForFunction(
    (old) => {
      const text = document.querySelector('[data-testid="overview-master-group1"]')?.textContent?.trim() ?? "";
      return text !== "" && text !== old && text !== "none" ? Date.now() : null;
    },
    before,
    { polling: "raf", timeout: 60_000 },
  );
  const seenAt = (await handle.jsonValue()) as number;
  const q = encodeURIComponent(JSON.stringify({ json: { kinds: ["election"], group: "group1", offset: 0, limit: 1 } }));
  const ev = (await (await page.request.get(`${url}/api/trpc/events.search?input=${q}`)).json()) as { result: { data: { json: { items: Array<{ time: string; node: string }> } } } };
  const election = ev.result.data.json.items[0];
  if (!election || election.node === before) return null;
  return seenAt - Date.parse(election.time);
}

export interface IdleTabCpuPhase {
  tabs: number;
  seconds: number;
  /** Console process CPU over the phase, % of one core. */
  cpuPercent: number;
  trpcRequests: number;
  /** The same requests by procedure ("cluster.history": the Overview's charts refetch on a timer). */
  trpcPaths: Record<string, number>;
  /** Every other HTTP request the tabs sent (pages, assets, the live channel's transport). */
  otherRequests: number;
  /** Live-channel (socket.io) frames the tabs received, by kind: "ping", or "live <type> <path>". */
  framesReceived: Record<string, number>;
}

export interface IdleTabCpuResult {
  phases: IdleTabCpuPhase[];
  /** Election (the console's own event-log time) → new master on the idle Overview page, ms; null if not measured (no tab phase, or no election). */
  electionToPageMs: number | null;
}

export async function runConsoleIdleTabCpu(tabCounts: number[] = [0, 1], seconds = 60, warmupSeconds = 20): Promise<IdleTabCpuResult> {
  const c = await startClusterConsoleProcess();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const ctx = await browser.newContext();
    const pages: Page[] = [];
    let requests = 0;
    let others = 0;
    let frames: Record<string, number> = {};
    let paths: Record<string, number> = {};
    let counting = false;
    const phases: IdleTabCpuPhase[] = [];
    for (const tabs of tabCounts) {
      while (pages.length < tabs) {
        const p = await ctx.newPage();
        // The first tab signs in (the cookie then serves the others); its own requests are not counted.
        if (pages.length === 0) await signIn(p, c.url, c.adminPassword);
        p.on("request", (r) => {
          if (!counting) return;
          if (r.url().includes("/api/trpc/")) {
            requests++;
            for (const path of new URL(r.url()).pathname.slice("/api/trpc/".length).split(",")) paths[path] = (paths[path] ?? 0) + 1;
          }
          else others++;
        });
        // engine.io packet "2" is a ping; socket.io event packets are "42[...]".
        p.on("websocket", (ws) =>
          ws.on("framereceived", (f) => {
            if (!counting) return;
            const text = String(f.payload);
            const live = /"type":"(\w+)","path":\[([^\]]*)\]/.exec(text);
            const kind = text === "2" ? "ping" : live ? `live ${live[1]} ${live[2]!.replaceAll('"', "")}` : `other ${text.slice(0, 2)}`;
            frames[kind] = (frames[kind] ?? 0) + 1;
          }),
        );
        await p.goto(`${c.url}/`);
        pages.push(p);
      }
      // The six nodes elect and start answering (first phase); the pages settle.
      await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
      requests = 0;
      others = 0;
      frames = {};
      paths = {};
      counting = true;
      const cpu0 = readCpuSeconds(c.pid);
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const cpu1 = readCpuSeconds(c.pid);
      const wall = (performance.now() - w0) / 1000;
      counting = false;
      if (cpu0 === null || cpu1 === null) throw new Error("console process vanished during the CPU sample");
      phases.push({ tabs: pages.length, seconds: wall, cpuPercent: ((cpu1 - cpu0) / wall) * 100, trpcRequests: requests, trpcPaths: paths, otherRequests: others, framesReceived: frames });
    }
    const electionToPageMs = pages.length > 0 ? await electionToPage(pages[0]!, c.url) : null;
    return { phases, electionToPageMs };
  } finally {
    await browser.close();
    await c.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tabCounts = (process.env.BENCH_TABS ?? "0,1").split(",").map((t) => Number(t.trim()));
  if (tabCounts.some((t, i) => !Number.isInteger(t) || t < 0 || (i > 0 && t < tabCounts[i - 1]!))) {
    console.error(`BENCH_TABS must be a rising comma list of tab counts such as "0,1,5" (got "${process.env.BENCH_TABS}")`);
    process.exit(2);
  }
  runConsoleIdleTabCpu(tabCounts, Number(process.env.BENCH_SECONDS ?? 60)).then(
    (r) => {
      const none = r.phases.find((p) => p.tabs === 0);
      for (const p of r.phases) {
        const perTab = none && p.tabs > 0 ? `; ${((p.cpuPercent - none.cpuPercent) / p.tabs).toFixed(2)} % per tab over the no-tab phase` : "";
        console.log(`console CPU with ${p.tabs} idle tab(s) on the Overview: ${p.cpuPercent.toFixed(2)} % of one core over ${p.seconds.toFixed(0)} s${perTab}; ${p.trpcRequests} tRPC ${JSON.stringify(p.trpcPaths)} and ${p.otherRequests} other HTTP requests from the tab(s); live-channel frames received: ${JSON.stringify(p.framesReceived)}`);
      }
      console.log(`election → new master on the idle page: ${r.electionToPageMs === null ? "not measured" : `${r.electionToPageMs} ms`} (target ≤ 1000 ms)`);
      // Issue #12: "an idle open tab costs the console ≤ 1 % of a core" — what the tab adds over
      // the same console with none (an idle console's own pings, pollers and GC are not the tab's;
      // they read 0.8–1.9 % on this machine depending on its neighbours). Without a no-tab phase
      // to subtract, the one-tab phase's whole CPU is held to it.
      const one = r.phases.find((p) => p.tabs === 1);
      const cost = one ? (none ? one.cpuPercent - none.cpuPercent : one.cpuPercent) : null;
      const met = cost !== null && cost <= 1 && (r.electionToPageMs === null || r.electionToPageMs <= 1000);
      console.log(
        `target (issue #12): an idle tab costs ≤ 1 % of one core (${cost === null ? "no one-tab phase" : `${cost.toFixed(2)} %${none ? " over the no-tab phase" : ", no no-tab phase to subtract"}`}), election on the page ≤ 1 s: ${met ? "met" : "not met"}`,
      );
      process.exit(met ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
