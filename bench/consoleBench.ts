// Console destinations benchmark (`node --import tsx bench/consoleBench.ts`, also run by bench/run.ts):
// a real `tandem console` with its embedded six-node cluster, 10,000 destinations created on one
// master through its admin API, then
//   1. destinations.list: p95 of one page over 100 calls (target < 100 ms), over HTTP as the UI calls it;
//   2. the Destinations page in Chromium: navigation → table rows visible (target < 2 s);
//   3. the console process's CPU while six nodes are polled and no browser is connected, sampled
//      from /proc/<pid>/stat over 30 s (target < 10 % of one core).
// BENCH_DESTINATIONS overrides the 10,000.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type BrowserContext } from "@playwright/test";
import { logIn, startClusterConsoleProcess } from "../e2e/consoleProcess";
import { readCpuSeconds } from "./procStats";

export interface ConsoleBenchRow {
  bench: string;
  result: string;
  target: string;
  met: string;
}

const PASSWORD = "bench admin long password";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function trpcGet<T>(ctx: BrowserContext, url: string, path: string, input: unknown): Promise<T> {
  const res = await ctx.request.get(`${url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!res.ok() || body.result === undefined) throw new Error(`${path}: HTTP ${res.status()} ${JSON.stringify(body.error ?? body).slice(0, 300)}`);
  return body.result.data.json;
}

interface ListAnswer {
  total: number;
  items: unknown[];
  groups: Array<{ group: string; master: string | null; error: string | null }>;
}

export async function runConsoleBench(): Promise<ConsoleBenchRow[]> {
  const count = Number(process.env.BENCH_DESTINATIONS ?? 10_000);
  const rows: ConsoleBenchRow[] = [];
  const c = await startClusterConsoleProcess();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await logIn(page, c.url, "admin", c.adminPassword, PASSWORD);
    await page.close();

    // Both groups need a serving master before anything is created.
    let master: string | null = null;
    for (let i = 0; i < 240 && master === null; i++) {
      const l = await trpcGet<ListAnswer>(ctx, c.url, "destinations.list", { limit: 1, sparklines: false }).catch(() => null);
      const g1 = l?.groups.find((g) => g.group === "group1");
      if (l !== null && l.groups.every((g) => g.error === null) && g1?.master) master = g1.master;
      else await new Promise((r) => setTimeout(r, 500));
    }
    if (master === null) throw new Error("group1 never got a serving master");

    // 10,000 destinations on group1's master, through its own admin API (50 requests in flight).
    const { adminToken } = JSON.parse(await readFile(join(c.dataDir, "cluster", "secrets.json"), "utf8")) as { adminToken: string };
    const adminUrl = `http://127.0.0.1:${8171 + c.portOffset + Number(master.replace(/^mq/, "")) - 1}/api/v1/destinations`;
    const t0 = Date.now();
    for (let i = 0; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async (_, k) => {
          const res = await fetch(adminUrl, {
            method: "POST",
            headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
            body: JSON.stringify({ destination: `/queue/bench.${String(i + k).padStart(5, "0")}` }),
          });
          if (!res.ok) throw new Error(`create failed on ${master}: HTTP ${res.status} ${await res.text()}`);
        }),
      );
    }
    const createSeconds = (Date.now() - t0) / 1000;

    // The console keeps a few seconds' snapshot of each master's list: wait until it has the new ones.
    let first = await trpcGet<ListAnswer>(ctx, c.url, "destinations.list", { limit: 50 });
    for (let i = 0; i < 60 && first.total < count; i++) {
      await new Promise((r) => setTimeout(r, 500));
      first = await trpcGet<ListAnswer>(ctx, c.url, "destinations.list", { limit: 50 });
    }

    // 1. One page of destinations.list, 100 times, cycling sorts, orders and pages as a user would,
    //    over plain HTTP with the session cookie (what the browser's tRPC client sends).
    const cookie = (await ctx.cookies()).map((k) => `${k.name}=${k.value}`).join("; ");
    const sorts = ["name", "depth", "inPerSec", "oldestMessageAgeMs", "enqueued", "consumers"] as const;
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const input = { limit: 50, offset: (i % 10) * 50, sort: sorts[i % sorts.length], order: i % 2 === 0 ? "desc" : "asc", ...(i % 5 === 4 ? { filter: "bench.0" } : {}) };
      const s = performance.now();
      const res = await fetch(`${c.url}/api/trpc/destinations.list?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } });
      await res.text();
      times.push(performance.now() - s);
      if (!res.ok) throw new Error(`destinations.list: HTTP ${res.status}`);
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    rows.push({
      bench: `destinations.list page of 50 (${first.total} destinations)`,
      result: `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (100 calls; created ${count} in ${createSeconds.toFixed(1)} s)`,
      target: "p95 < 100 ms",
      met: p95 < 100 && first.total >= count ? "yes" : "NO",
    });

    // 2. The Destinations page: navigation → first row of the table on screen.
    const view = await ctx.newPage();
    const n0 = performance.now();
    await view.goto(`${c.url}/destinations`);
    await view.getByTestId("dest-row").first().waitFor({ state: "visible", timeout: 30_000 });
    const interactiveMs = performance.now() - n0;
    rows.push({ bench: "destinations page interactive", result: `${Math.round(interactiveMs)} ms to rows on screen`, target: "< 2000 ms", met: interactiveMs < 2000 ? "yes" : "NO" });
    await view.close();
    await ctx.close();

    // 3. Nobody watching: no socket connected, so the pollers slow down. Let that settle, then sample.
    await new Promise((r) => setTimeout(r, 12_000));
    const cpu0 = readCpuSeconds(c.pid);
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 30_000));
    const cpu1 = readCpuSeconds(c.pid);
    const wall = (performance.now() - w0) / 1000;
    if (cpu0 === null || cpu1 === null) throw new Error("console process vanished during the CPU sample");
    const pct = ((cpu1 - cpu0) / wall) * 100;
    rows.push({ bench: "console CPU, 6 nodes polled, no browser", result: `${pct.toFixed(1)} % of one core over ${wall.toFixed(0)} s`, target: "< 10 %", met: pct < 10 ? "yes" : "NO" });
  } finally {
    await browser.close();
    await c.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConsoleBench().then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
