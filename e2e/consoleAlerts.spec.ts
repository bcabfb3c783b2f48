import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { logIn, startConsoleProcess, type ConsoleProcess } from "./consoleProcess";

const ADMIN_PASSWORD = "admin's long e2e password";

test.describe.serial("Alerts page", () => {
  let consoleProc: ConsoleProcess;
  let receiver: Server;
  const bodies: string[] = [];

  test.beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    consoleProc = await startConsoleProcess();
  });
  test.afterAll(async () => {
    await consoleProc?.stop();
    receiver?.close();
  });

  test("default rules are listed; a webhook is added, its secret shown once, Test delivers and is logged", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", consoleProc.adminPassword, ADMIN_PASSWORD);
    await page.getByTestId("nav-alerts").click();
    await expect(page).toHaveTitle(/Alerts/);
    await expect(page.getByTestId("alerts-none")).toBeVisible();
    for (const name of ["GroupWithoutMaster", "QuorumLost", "NodeDown", "DeadLetters", "StoreNearLimit"]) await expect(page.getByTestId(`rule-${name}`)).toBeVisible();

    // A rule with a wrong threshold is refused with a sentence.
    await page.getByTestId("rule-name").fill("MemoryTooHigh");
    await page.getByTestId("rule-metric").selectOption("memory_usage_ratio");
    await page.getByTestId("rule-threshold").fill("90");
    await page.getByTestId("rule-create").click();
    await expect(page.getByTestId("rules-error")).toContainText("ratio between 0 and 1");
    await page.getByTestId("rule-threshold").fill("0.9");
    await page.getByTestId("rule-create").click();
    await expect(page.getByTestId("rule-MemoryTooHigh")).toBeVisible();

    const { port } = receiver.address() as AddressInfo;
    await page.getByPlaceholder("name", { exact: true }).fill("ops-receiver");
    await page.getByPlaceholder("https://…").fill(`http://127.0.0.1:${port}/tandem`);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByTestId("webhook-secret")).toContainText("whsec_");
    await page.getByRole("button", { name: "Test" }).click();
    await expect(page.getByTestId("webhooks-message")).toContainText("test delivered: HTTP 204");
    expect(bodies.some((b) => b.includes('"version":"4"') && b.includes("TandemTestNotification"))).toBe(true);
    await expect(page.getByTestId("deliveries")).toContainText("204");
    await page.screenshot({ path: info.outputPath("alerts.png"), fullPage: true });

    // A metadata-service URL is refused at creation.
    await page.getByPlaceholder("name", { exact: true }).fill("metadata");
    await page.getByPlaceholder("https://…").fill("http://169.254.169.254/latest/meta-data");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByTestId("webhooks-message")).toContainText("link-local");
  });
});
