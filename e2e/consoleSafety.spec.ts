import { expect, test, type Page } from "@playwright/test";
import { connectStomp } from "./support/stompClient";
import { logIn, startClusterConsoleProcess, type ClusterConsoleProcess } from "./consoleProcess";

const PASSWORD = "safety e2e admin password";

/**
 * The console an operator trusts in an incident (issue #14 part A), against the real server and its
 * embedded cluster: node actions say what they will do and ask for the node's name before they
 * take a group's last master; a group without a master shows its depth as unavailable.
 */
test.describe.serial("console safety: guardrails and the incident state", () => {
  test.setTimeout(180_000);
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

    // A slave of a full group: the dialog says the group keeps its master; one click confirms.
    const [first, second] = g1.slaves as [string, string];
    await page.goto(`${c.url}/nodes/${first}`);
    await expect(page.getByTestId("node-process-state")).toHaveText("running", { timeout: 30_000 });
    await page.getByTestId("node-stop").click();
    await expect(page.getByTestId("node-stop-summary")).toContainText(`group1 keeps its master ${g1.master}`);
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
    await page.screenshot({ path: info.outputPath("incident-overview.png"), fullPage: true });

    // The drain preview of the last member does not call it safe to stop.
    await page.goto(`${c.url}/nodes/${g1.master}`);
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
});
