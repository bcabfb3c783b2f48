import { expect, test, type Locator, type Page } from "@playwright/test";
import { connectStomp } from "./support/stompClient";
import { startClusterConsoleProcess, type ClusterConsoleProcess } from "./consoleProcess";

const PASSWORD = "charts e2e admin password";
const QUEUE = "/queue/e2e-charts";

/**
 * Charts over time and live destination pages (issue #14), against the real console and its
 * embedded six-node cluster: the overview and node pages chart what the console recorded (data
 * points drawn, not an empty frame), the time range and a drag-zoom live in the URL, and a
 * destination page follows a send made by a STOMP client without being reloaded or polled.
 */
async function logIn(page: Page, url: string, password: string, newPassword: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByTestId("login-username").fill("admin");
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/change-password$/, { timeout: 60_000 });
  await page.getByTestId("pw-current").fill(password);
  await page.getByTestId("pw-new").fill(newPassword);
  await page.getByTestId("pw-submit").click();
  await expect(page.getByTestId("whoami")).toContainText("admin", { timeout: 60_000 });
}

/** Waits until the chart draws recorded points (reloading: samples are flushed every 10 s). */
async function expectPoints(page: Page, chart: Locator): Promise<void> {
  await expect(async () => {
    const points = Number((await chart.getAttribute("data-points", { timeout: 5_000 })) ?? "0");
    if (points === 0) {
      await page.reload();
      throw new Error("no points yet");
    }
  }).toPass({ timeout: 90_000, intervals: [3_000] });
  // Drawn: a line segment, or the dots of a sparse line (a fresh console has few samples).
  await expect(chart.locator(".recharts-line-dots circle, path.recharts-line-curve[d*='L']").first()).toBeAttached();
}

test.describe.serial("console charts and live destination pages", () => {
  test.setTimeout(360_000);
  let c: ClusterConsoleProcess;

  test.beforeAll(async () => {
    c = await startClusterConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  const stompPortOf = (node: string): number => c.stompPort(Number(node.replace(/^mq/, "")) - 1);

  test("overview and node pages chart recorded metrics; range and zoom live in the URL; a destination page follows a send live", async ({ page }, info) => {
    await logIn(page, c.url, c.adminPassword, PASSWORD);
    await expect(page.getByTestId("overview-master-group1")).toHaveText(/^mq\d$/, { timeout: 60_000 });
    const master = (await page.getByTestId("overview-master-group1").textContent())!.trim();
    const first = await connectStomp(stompPortOf(master));
    for (let i = 0; i < 3; i++) await first.request("SEND", [["destination", QUEUE], ["persistent", "true"]], `chart-${i}`);
    await first.disconnect();

    // The overview: cluster totals and per-node lines, drawn from recorded samples.
    await page.goto(c.url);
    await expectPoints(page, page.getByTestId("chart-connections"));
    for (const id of ["chart-rates", "chart-depth", "chart-memory", "chart-store"]) await expectPoints(page, page.getByTestId(id));
    await page.screenshot({ path: info.outputPath("overview-charts.png"), fullPage: true });

    // The range picker writes the URL; the charts are asked for the new window.
    await page.getByTestId("range-6h").click();
    await expect(page).toHaveURL(/[?&]range=21600000/);
    await expect(page.getByTestId("range-6h")).toHaveAttribute("aria-pressed", "true");
    await expectPoints(page, page.getByTestId("chart-connections"));
    await page.getByTestId("range-15min").click();
    await expect(page).toHaveURL(/[?&]range=900000/);
    await expectPoints(page, page.getByTestId("chart-connections"));

    // Drag across a chart: the zoomed window goes into the URL; reset takes it out again.
    // (the plot area: legend icons are .recharts-surface too)
    const surface = page.getByTestId("chart-connections-plot").locator(".recharts-cartesian-grid");
    const box = (await surface.boundingBox())!;
    // (the recent end of the window, where a fresh console's samples are)
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.4, { steps: 8 });
    // Past the plot's right edge: the selection clamps to the newest bucket (a fresh console's samples are all recent).
    await page.mouse.move(box.x + box.width + 10, box.y + box.height * 0.4, { steps: 8 });
    await page.mouse.up();
    await expect(page).toHaveURL(/[?&]zoom=\d+-\d+/);
    const zoom = /zoom=(\d+)-(\d+)/.exec(page.url())!;
    expect(Number(zoom[2]) - Number(zoom[1])).toBeGreaterThanOrEqual(60_000);
    await expect(page.getByTestId("chart-zoomed")).toBeVisible();
    await expectPoints(page, page.getByTestId("chart-connections"));
    await page.getByTestId("chart-zoom-reset").click();
    await expect(page).not.toHaveURL(/zoom=/);

    // The master's node page: its own series; a slave's page: its replication lag over time.
    await page.goto(`${c.url}/nodes/${master}`);
    for (const id of ["chart-rates", "chart-depth", "chart-connections", "chart-memory", "chart-store"]) await expectPoints(page, page.getByTestId(id));
    await page.getByTestId("range-24h").click();
    await expect(page).toHaveURL(new RegExp(`/nodes/${master}\\?range=86400000`));
    await expectPoints(page, page.getByTestId("chart-memory"));
    await page.screenshot({ path: info.outputPath("node-charts.png"), fullPage: true });
    await page.goto(`${c.url}/groups/group1`);
    await expect(page.getByTestId("group-members").locator("tbody tr")).toHaveCount(3, { timeout: 45_000 });
    const members = (await page.getByTestId("group-members").locator("tbody tr td:nth-child(2)").allTextContents()).map((m) => m.trim());
    const slave = members.find((m) => m !== master)!;
    await page.goto(`${c.url}/nodes/${slave}`);
    await expectPoints(page, page.getByTestId("chart-lag"));

    // The destination page and its browse list follow a send made elsewhere, without a reload.
    await page.goto(`${c.url}/destinations/view?group=group1&name=${encodeURIComponent(QUEUE)}`);
    await expect(page.getByTestId("stat-depth")).toHaveText("3", { timeout: 30_000 });
    await expect(page.getByTestId("browse-range")).toHaveText("1–3 of 3", { timeout: 30_000 });
    const loads: string[] = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && loads.push(f.url()));
    // A connection of its own: the pages above may take longer than the broker's 30 s inactivity
    // limit for a client that negotiated no heart-beats (CI: the first one was closed as idle).
    const producer = await connectStomp(stompPortOf(master));
    for (let i = 3; i < 8; i++) await producer.request("SEND", [["destination", QUEUE], ["persistent", "true"]], `chart-${i}`);
    await producer.disconnect();
    await expect(page.getByTestId("stat-depth")).toHaveText("8", { timeout: 30_000 });
    await expect(page.getByTestId("browse-range")).toHaveText("1–8 of 8", { timeout: 30_000 });
    expect(loads, "the page was not reloaded").toEqual([]);
    await page.screenshot({ path: info.outputPath("destination-live.png"), fullPage: true });

    // Events: the severity filter lives in the URL and filters the history.
    await page.goto(`${c.url}/events?severity=critical,warning`);
    await expect(page.getByTestId("events-severity")).toHaveValue("critical,warning");
    await page.getByTestId("events-severity").selectOption("info");
    await expect(page).toHaveURL(/[?&]severity=info/);
    const rows = page.getByTestId("events-table").locator('[data-testid="events-row"]');
    await expect(rows.first()).toHaveAttribute("data-severity", "info", { timeout: 30_000 });
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-severity"))))).toEqual(new Set(["info"]));
  });
});
