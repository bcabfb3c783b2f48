import { expect, test, type Page } from "@playwright/test";
import { StompClient } from "../server/runtime/client/StompClient";
import { logIn, startClusterConsoleProcess, type ClusterConsoleProcess } from "./consoleProcess";

const PASSWORD = "bridges e2e admin password";
const QUEUE = "/queue/e2e.bridges";

/**
 * The Bridges view against the real console and its embedded seed cluster (six broker processes,
 * group1 and group2 joined by the seed's duplex connector): both directions running with their
 * endpoints and remote master, demand appearing and going with a consumer on group2, forwarded
 * counters moving with real traffic, an operator's restart audited and the bridge back, and the
 * bridge seen in the topology and the event stream.
 */
test.describe.serial("bridges view", () => {
  test.setTimeout(180_000);
  let c: ClusterConsoleProcess;
  const clients: StompClient[] = [];

  test.beforeAll(async () => {
    c = await startClusterConsoleProcess();
  });
  test.afterAll(async () => {
    for (const x of clients) x.close();
    await c?.stop();
  });

  async function masterPort(page: Page, group: string): Promise<number> {
    await page.goto(`${c.url}/groups/${group}`);
    const m = page.getByTestId("group-master");
    await expect(m).toHaveText(/^mq\d$/, { timeout: 45_000 });
    return c.stompPort(Number((await m.textContent())!.trim().replace(/^mq/, "")) - 1);
  }

  test("state, endpoints, demand and counters of the seed's duplex bridge; an audited restart; topology and events", async ({ page }, info) => {
    await logIn(page, c.url, "admin", c.adminPassword, PASSWORD);
    const g2Port = await masterPort(page, "group2");
    const g1Port = await masterPort(page, "group1");

    await page.getByTestId("nav-bridges").click();
    await expect(page).toHaveURL(/\/bridges$/);
    const fwd = "group1-group2";
    const rev = "group1-group2.duplex";
    await expect(page.getByTestId(`bridges-state-${fwd}`)).toHaveText("running", { timeout: 60_000 });
    await expect(page.getByTestId(`bridges-state-${rev}`)).toHaveText("running", { timeout: 60_000 });
    // The state text names the remote master it forwards to; the row shows both groups.
    await expect(page.getByTestId(`bridges-state-text-${fwd}`)).toContainText(`forwarding to stomp://127.0.0.1:${g2Port}`);
    await expect(page.getByTestId(`bridges-row-${fwd}`)).toContainText("group1");
    await expect(page.getByTestId(`bridges-row-${fwd}`)).toContainText("group2");
    await expect(page.getByTestId(`bridges-row-${fwd}`)).toContainText("(duplex)");
    await expect(page.getByTestId(`bridges-demand-${fwd}`)).not.toContainText(QUEUE);

    // A consumer on group2: its demand shows on group1's bridge; messages sent on group1 reach it.
    const consumer = await StompClient.connect({ host: "127.0.0.1", port: g2Port });
    clients.push(consumer);
    const got: string[] = [];
    const subId = await consumer.subscribe(QUEUE, (m) => void got.push(m.body.toString()), { ack: "auto" });
    await expect(page.getByTestId(`bridges-demand-${fwd}`)).toContainText(`${QUEUE}: 1`, { timeout: 30_000 });
    const producer = await StompClient.connect({ host: "127.0.0.1", port: g1Port });
    clients.push(producer);
    for (let i = 0; i < 25; i++) await producer.send(QUEUE, `b-${i}`, { headers: { persistent: "true" } });
    await expect.poll(() => got.length, { timeout: 30_000 }).toBe(25);
    await expect.poll(async () => Number((await page.getByTestId(`bridges-forwarded-${fwd}`).textContent())!.split(" ")[0]), { timeout: 30_000 }).toBeGreaterThanOrEqual(25);
    // The rate column fills in from two polls of the counters.
    await expect(page.getByTestId(`bridges-rate-${fwd}`)).toHaveText(/^\d+(\.\d)?\/s$/, { timeout: 30_000 });
    await page.screenshot({ path: info.outputPath("bridges.png"), fullPage: true });

    // Restart (operator action, two-step): the connection count grows and the bridge runs again.
    const connectsBefore = Number((await page.getByTestId(`bridges-connects-${fwd}`).textContent())!.split(" / ")[0]);
    await page.getByTestId(`bridges-restart-${fwd}`).click();
    await page.getByTestId(`bridges-restart-${fwd}-confirm`).click();
    await expect.poll(async () => Number((await page.getByTestId(`bridges-connects-${fwd}`).textContent())!.split(" / ")[0]), { timeout: 30_000 }).toBeGreaterThan(connectsBefore);
    await expect(page.getByTestId(`bridges-state-${fwd}`)).toHaveText("running", { timeout: 30_000 });
    await expect(page.getByTestId("bridges-restart-error")).toHaveCount(0);
    // Demand is counted again after the restart, exactly once.
    await expect(page.getByTestId(`bridges-demand-${fwd}`)).toContainText(`${QUEUE}: 1`, { timeout: 30_000 });

    // The consumer leaves: its demand goes.
    await consumer.unsubscribe(subId);
    await expect(page.getByTestId(`bridges-demand-${fwd}`)).not.toContainText(QUEUE, { timeout: 30_000 });

    await page.getByTestId("nav-audit").click();
    await expect(page.getByText("bridges.restart").first()).toBeVisible({ timeout: 15_000 });

    await page.getByTestId("nav-topology").click();
    await expect(page.getByTestId(`topology-bridge-${fwd}`)).toHaveAttribute("data-state", "running", { timeout: 30_000 });
    await expect(page.getByTestId(`topology-bridge-${rev}`)).toHaveAttribute("data-state", "running", { timeout: 30_000 });

    await page.getByTestId("nav-events").click();
    await expect(page.getByTestId("event-bridge-up").first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: info.outputPath("bridge-events.png"), fullPage: true });
  });
});
