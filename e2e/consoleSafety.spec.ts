import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { duplicateKeys } from "../server/log/dedupeLogLine";
import { connectStomp } from "./support/stompClient";
import { startClusterConsoleProcess, trpcMutation, type ClusterConsoleProcess } from "./consoleProcess";

const PASSWORD = "safety e2e admin password";

/**
 * The console an operator trusts in an incident (issue #14 part A), against the real server and its
 * embedded cluster: node actions say what they will do and ask for the node's name before they
 * take a group's last master; a group without a master shows its depth as unavailable.
 */
/**
 * Logs in (replacing the one-time password when given): the login helper's steps with waits
 * sized for a loaded machine (password hashing took 13 s on a busy 2-core host).
 */
async function logIn(page: Page, url: string, username: string, password: string, newPassword?: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  if (newPassword !== undefined) {
    await expect(page).toHaveURL(/\/change-password$/, { timeout: 60_000 });
    await page.getByTestId("pw-current").fill(password);
    await page.getByTestId("pw-new").fill(newPassword);
    await page.getByTestId("pw-submit").click();
  }
  await expect(page.getByTestId("whoami")).toContainText(username, { timeout: 60_000 });
}

/** Every page of the console, by the name its screenshot gets. */
function pages(node: string): Array<[string, string]> {
  return [
    ["overview", "/"], ["topology", "/topology"], ["groups", "/groups"], ["group1", "/groups/group1"], ["nodes", "/nodes"],
    ["node", `/nodes/${node}`], ["node-logs", `/nodes/${node}?tab=logs`], ["bridges", "/bridges"], ["destinations", "/destinations"],
    ["destination", `/destinations/view?group=group1&name=${encodeURIComponent("/queue/e2e-guard")}`], ["zookeeper", "/zookeeper"],
    ["events", "/events"], ["alerts", "/alerts"], ["audit", "/audit"], ["users", "/users"], ["not-found", "/no-such-page"],
  ];
}

/** Screenshots of every page (kept as test artifacts): `<state>-<page>.png`. */
async function shootAll(page: Page, url: string, info: TestInfo, state: string, node: string): Promise<void> {
  for (const [name, path] of pages(node)) {
    await page.goto(`${url}${path}`);
    await expect(page.locator("main h1").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText("Loading…")).toHaveCount(0, { timeout: 30_000 });
    // Let the first answers land (queries start after the shell knows who is logged in).
    await page.waitForTimeout(700);
    await page.screenshot({ path: info.outputPath(`${state}-${name}.png`), fullPage: true });
  }
}

test.describe.serial("console safety: guardrails and the incident state", () => {
  test.setTimeout(480_000);
  // A time zone far from UTC, so that local and UTC times differ visibly (+05:30).
  test.use({ timezoneId: "Asia/Kolkata" });
  let c: ClusterConsoleProcess;

  test.beforeAll(async () => {
    c = await startClusterConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  const stompPortOf = (node: string): number => c.stompPort(Number(node.replace(/^mq/, "")) - 1);

  async function groupOf(page: Page, group: string): Promise<{ master: string; slaves: string[] }> {
    await page.goto(`${c.url}/groups/${group}`);
    await expect(page.getByTestId("group-master")).toHaveText(/^mq\d$/, { timeout: 45_000 });
    await expect(page.getByTestId("group-members").locator("tbody tr")).toHaveCount(3, { timeout: 45_000 });
    const master = (await page.getByTestId("group-master").textContent())!.trim();
    const members = await page.getByTestId("group-members").locator("tbody tr td:nth-child(2)").allTextContents();
    return { master, slaves: members.map((m) => m.trim()).filter((m) => m !== master) };
  }

  test("stop previews its impact; taking group1's last master needs the node name; the overview shows the depth as unavailable", async ({ page }, info) => {
    await logIn(page, c.url, "admin", c.adminPassword, PASSWORD);
    const g1 = await groupOf(page, "group1");
    const producer = await connectStomp(stompPortOf(g1.master));
    for (let i = 0; i < 7; i++) await producer.request("SEND", [["destination", "/queue/e2e-guard"], ["persistent", "true"]], `guard-${i}`);
    await producer.disconnect();
    await page.goto(c.url);
    await expect(page.getByTestId("overview-depth-group1")).toHaveText("7", { timeout: 30_000 });
    await shootAll(page, c.url, info, "normal", g1.master);
    // Read the group again: on a loaded machine a failover may have happened meanwhile.
    const g1now = await groupOf(page, "group1");

    // A slave of a full group: the dialog says the group keeps its master; one click confirms.
    const [first, second] = g1now.slaves as [string, string];
    await page.goto(`${c.url}/nodes/${first}`);
    await expect(page.getByTestId("node-process-state")).toHaveText("running", { timeout: 30_000 });
    await page.getByTestId("node-stop").click();
    await expect(page.getByTestId("node-stop-summary")).toContainText(`group1 keeps its master ${g1now.master}`);
    await expect(page.getByTestId("node-stop-typed")).toHaveCount(0);
    await page.getByTestId("node-stop-confirm").click();
    await expect(page.getByTestId("node-process-state")).toHaveText("stopped", { timeout: 30_000 });

    // The second slave holds group1's quorum: its stop says what follows and wants its name typed.
    await page.goto(`${c.url}/nodes/${second}`);
    await expect(page.getByTestId("node-process-state")).toHaveText("running", { timeout: 30_000 });
    await page.getByTestId("node-stop").click();
    const dialog = page.getByTestId("node-stop-dialog");
    await expect(dialog).toHaveAttribute("data-severity", "dangerous", { timeout: 30_000 });
    await expect(page.getByTestId("node-stop-summary")).toContainText("group1 will have no master and 7 messages become unavailable");
    await page.screenshot({ path: info.outputPath("guard-stop-last-master.png"), fullPage: true });
    await expect(page.getByTestId("node-stop-confirm")).toBeDisabled();
    await page.getByTestId("node-stop-typed").fill("group1");
    await expect(page.getByTestId("node-stop-confirm")).toBeDisabled();
    await page.getByTestId("node-stop-typed").fill(second);
    await page.getByTestId("node-stop-confirm").click();
    await expect(page.getByTestId("node-process-state")).toHaveText("stopped", { timeout: 30_000 });

    // The master lost its quorum and stopped serving: the overview cannot count group1's messages.
    await page.goto(c.url);
    await expect(page.getByTestId("overview-master-group1")).toHaveText("none", { timeout: 45_000 });
    await expect(page.getByTestId("overview-depth-group1")).toHaveText("unavailable (no master)");
    await expect(page.getByTestId("overview-depth")).toHaveText(/group1 unavailable/);
    await shootAll(page, c.url, info, "incident", g1now.master);

    // The drain preview of the last member does not call it safe to stop.
    await page.goto(`${c.url}/nodes/${g1now.master}`);
    await page.getByTestId("drain-preview-open").click();
    await expect(page.getByTestId("drain-preview-note")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("drain-preview-note")).not.toContainText("stopped safely.");
    await expect(page.getByTestId("drain-preview-note")).not.toContainText("can be stopped:");

    for (const n of [first, second]) {
      await page.goto(`${c.url}/nodes/${n}`);
      await page.getByTestId("node-start").click();
      await expect(page.getByTestId("node-process-state")).toHaveText(/starting|running/);
    }
    await page.goto(c.url);
    await expect(page.getByTestId("overview-depth-group1")).toHaveText("7", { timeout: 60_000 });
  });

  test("events: severity and cause, local time with UTC on hover, filters in the URL", async ({ page }) => {
    await logIn(page, c.url, "admin", PASSWORD);
    // Group1's quorum loss from the test before: reached by a link carrying the filters.
    await page.goto(`${c.url}/events?kind=quorum-lost&group=group1`);
    await expect(page.getByTestId("events-kind")).toHaveValue("quorum-lost");
    await expect(page.getByTestId("events-group")).toHaveValue("group1");
    const row = page.getByTestId("events-table").locator('[data-testid="events-row"]').first();
    await expect(row).toHaveAttribute("data-severity", "critical", { timeout: 30_000 });
    await expect(row.getByTestId("events-cause")).toContainText("quorum lost: 1 of 3 members, quorum is 2");
    // The browser's time zone (Asia/Kolkata, +05:30), to the millisecond; UTC on hover.
    const time = row.locator("time");
    const iso = (await time.getAttribute("datetime"))!;
    const at = new Date(iso);
    const local = new Date(at.getTime() + 330 * 60_000).toISOString().replace("T", " ").replace("Z", "");
    await expect(time).toHaveText(local);
    await expect(time).toHaveAttribute("title", `${iso.replace("T", " ").replace("Z", "")} UTC`);

    // Admin actions name their node and group: the node filter finds the stop that caused it.
    await page.getByTestId("events-kind").selectOption("admin-action");
    await page.getByTestId("events-group").fill("");
    const stopped = (await page.getByTestId("events-table").locator('[data-testid="events-row"]').first().textContent()) ?? "";
    expect(stopped).toMatch(/cluster\.node(Stop|Start) on mq\d/);
    const node = /on (mq\d)/.exec(stopped)![1]!;
    await page.getByTestId("events-node").fill(node);
    await expect(page).toHaveURL(new RegExp(`[?&]node=${node}(&|$)`));
    await expect(page).toHaveURL(/[?&]kind=admin-action(&|$)/);
    await expect(page.getByTestId("events-table").locator('[data-testid="events-row"]').first()).toContainText(`on ${node}`);
    // A reload shows the same view.
    await page.reload();
    await expect(page.getByTestId("events-node")).toHaveValue(node);
    await expect(page.getByTestId("events-kind")).toHaveValue("admin-action");
  });

  test("links work: login lands where the link pointed, pages have titles, the 404 page has the navigation, a favicon", async ({ page }) => {
    await page.goto(`${c.url}/nodes?role=master&sort=group`);
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByTestId("login-username").fill("admin");
    await page.getByTestId("login-password").fill(PASSWORD);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(/\/nodes\?role=master&sort=group$/, { timeout: 60_000 });
    await expect(page.getByTestId("nodes-role")).toHaveValue("master");
    await expect(page.getByTestId("nodes-range")).toHaveText("1–2 of 2", { timeout: 30_000 });
    await expect(page).toHaveTitle("Nodes · Tandem");
    await page.getByTestId("nodes-sort-depth").click();
    await expect(page).toHaveURL(/[?&]sort=depth(&|$)/);

    await page.goto(`${c.url}/nodes/mq1`);
    await expect(page).toHaveTitle("Node mq1 · Tandem");
    await page.goto(`${c.url}/events`);
    await expect(page).toHaveTitle("Events · Tandem");
    await page.goto(`${c.url}/zookeeper?path=${encodeURIComponent("/activemq-cluster")}`);
    await expect(page.getByTestId("zk-path")).toContainText("/activemq-cluster", { timeout: 30_000 });

    const missing = await page.goto(`${c.url}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByTestId("not-found")).toBeVisible();
    await expect(page.getByTestId("nav-overview")).toBeVisible();
    await expect(page).toHaveTitle("Not found · Tandem");
    await page.getByTestId("nav-events").click();
    await expect(page).toHaveURL(/\/events$/);

    // A validation error reads as a sentence, never zod's JSON.
    const bad = await trpcMutation(page, c.url, "cluster.nodeStop", { name: "" });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { json: { message: string } } }).error.json.message).toBe("Name must not be empty.");

    const icon = await page.request.get(`${c.url}/icon.svg`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
    await expect(page.locator('head link[rel="icon"]').first()).toHaveAttribute("href", /icon\.svg/);
  });

  test("long names and headers never break the layout", async ({ page }) => {
    await logIn(page, c.url, "admin", PASSWORD);
    const g2 = await groupOf(page, "group2");
    const long = `/queue/${"long-queue-name-".repeat(19)}x`.slice(0, 307);
    const producer = await connectStomp(stompPortOf(g2.master));
    await producer.request("SEND", [["destination", long], ["persistent", "true"], ["x-long-header", "h".repeat(5000)]], Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)));
    await producer.disconnect();
    await page.goto(`${c.url}/destinations?filter=long-queue`);
    const row = page.getByTestId("dest-row").first();
    await expect(row).toBeVisible({ timeout: 30_000 });
    const viewport = page.viewportSize()!;
    const depth = await row.getByTestId("dest-depth").boundingBox();
    expect(depth!.x + depth!.width).toBeLessThanOrEqual(viewport.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

    await row.getByTestId("dest-link").click();
    await page.getByTestId("browse-open").first().click();
    await expect(page.getByTestId("message-headers")).toContainText("x-long-header", { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    const panel = await page.getByTestId("message-panel").boundingBox();
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(viewport.width);
    await expect(page).toHaveURL(/[?&]msg=/);
    // The browse list follows the destination: a message sent now appears without a reload.
    await expect(page.getByTestId("browse-range")).toHaveText("1–1 of 1");
    const more = await connectStomp(stompPortOf(g2.master));
    await more.request("SEND", [["destination", long], ["persistent", "true"]], "second");
    await more.disconnect();
    await expect(page.getByTestId("browse-range")).toHaveText("1–2 of 2", { timeout: 30_000 });
  });

  test("the console's log lines carry each key once, and it says when it is ready", () => {
    const json = c.lines.filter((l) => l.startsWith("{"));
    expect(json.length).toBeGreaterThan(10);
    for (const l of json) expect(duplicateKeys(l), l).toEqual([]);
    const ready = json.map((l) => JSON.parse(l) as { msg?: string; groups?: Array<{ name: string; master: string | null }> }).find((j) => j.msg === "console ready");
    expect(ready?.groups?.map((g) => g.name)).toEqual(["group1", "group2"]);
  });
});
