import { connect } from "node:net";
import { expect, test } from "@playwright/test";
import { logIn, startClusterConsoleProcess, type ClusterConsoleProcess } from "./consoleProcess";

const PASSWORD = "node logs e2e admin password";
/** Client-controlled text that ends up in a node's log: it must show as text, never as markup. */
const MARKUP = "<img src=x onerror=document.title=42>";

/** Sends a STOMP command line the node refuses (and logs, quoting it) to whichever of `ports` is open. */
async function sendBadCommand(ports: number[]): Promise<number> {
  for (const port of ports) {
    const sent = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("error", () => resolve(false));
      s.once("connect", () => {
        s.write(`${MARKUP}\n\n\0`);
        setTimeout(() => {
          s.destroy();
          resolve(true);
        }, 500);
      });
    });
    if (sent) return port;
  }
  throw new Error(`no STOMP port open among ${ports.join(", ")}`);
}

/** The node page's Logs tab against the real console and its embedded cluster's node processes. */
test.describe.serial("node page: logs tab", () => {
  test.setTimeout(150_000);
  let c: ClusterConsoleProcess;

  test.beforeAll(async () => {
    c = await startClusterConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  test("tail with level filter and search; bodies escaped", async ({ page }, info) => {
    await logIn(page, c.url, "admin", c.adminPassword, PASSWORD);
    await expect(page.getByTestId("overview-master-group1")).toHaveText(/^mq\d$/, { timeout: 60_000 });
    const master = (await page.getByTestId("overview-master-group1").textContent())!.trim();
    const port = await sendBadCommand([0, 1, 2].map((i) => c.stompPort(i)));
    expect(port).toBe(c.stompPort(Number(master.slice(2)) - 1));

    await page.goto(`${c.url}/nodes/${master}?tab=logs`);
    const lines = page.getByTestId("node-log-line");
    await expect(lines.filter({ hasText: "joined HA group" }).first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: info.outputPath("node-logs.png"), fullPage: true });

    // Level filter: at "warn", only warn and above.
    await page.getByTestId("node-logs-level").selectOption("warn");
    await expect(lines.filter({ hasText: "joined HA group" })).toHaveCount(0);
    for (const level of await lines.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-level")))) expect(["warn", "error", "fatal"]).toContain(level);

    // Search: back to info, the refused command line quoted in the log, shown as text.
    await page.getByTestId("node-logs-level").selectOption("info");
    await page.getByTestId("node-logs-search").fill("onerror");
    await expect(lines).not.toHaveCount(0, { timeout: 15_000 });
    await expect(lines.first()).toContainText(MARKUP);
    await expect(page.getByTestId("node-logs-table").locator("img")).toHaveCount(0);
    expect(await page.title()).not.toBe("42");
    for (const text of await lines.allTextContents()) expect(text.toLowerCase()).toContain("onerror");
    await page.getByTestId("node-logs-search").fill("no line has this text 1234");
    await expect(page.getByTestId("node-logs-empty")).toBeVisible();

    // The tab is in the URL; the overview tab shows the process with its restart count.
    await page.getByTestId("node-tab-overview").click();
    await expect(page).not.toHaveURL(/tab=logs/);
    await expect(page.getByTestId("node-process-restarts")).toHaveText(/^0/);
    await page.getByTestId("node-tab-logs").click();
    await expect(page).toHaveURL(/tab=logs/);
  });
});
