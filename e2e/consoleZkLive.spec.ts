import { expect, test } from "@playwright/test";
import { pino } from "pino";
import { CoordinationClient } from "../server/runtime/zk/CoordinationClient";
import { startCoordinator, tempDir, type CoordinatorProcess } from "./coordinatorHarness";
import { logIn, startConsoleProcess, type ConsoleProcess } from "./consoleProcess";

const ADMIN_PASSWORD = "admin's long e2e password";

/**
 * The explorer shows what *another* ZooKeeper client changes (watch-driven pushes over the live
 * channel, no polling or reload), the ACL of the selected znode, console-owned ephemerals, and a
 * recursive delete whose preview stays current.
 */
test.describe.serial("ZooKeeper explorer: live, ACLs, create modes, recursive delete", () => {
  let coordinator: CoordinatorProcess;
  let dataDir: { path: string; remove(): Promise<void> };
  let consoleProc: ConsoleProcess;
  let other: CoordinationClient;

  test.beforeAll(async () => {
    dataDir = await tempDir("tandem-console-zk-live-e2e-");
    coordinator = await startCoordinator(dataDir.path);
    consoleProc = await startConsoleProcess({ TANDEM_ZK: `127.0.0.1:${coordinator.port}` });
    other = await CoordinationClient.connect({ connectString: `127.0.0.1:${coordinator.port}`, logger: pino({ level: "silent" }) });
  });
  test.afterAll(async () => {
    await other?.close();
    await consoleProc?.stop();
    await coordinator?.stop();
    await dataDir?.remove();
  });

  test("changes by another client appear without a reload; ACL, ephemeral ownership and a live delete preview", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", consoleProc.adminPassword, ADMIN_PASSWORD);
    await expect(page.getByTestId("live-state")).toHaveText("live");
    await page.getByTestId("nav-zookeeper").click();
    await expect(page.getByTestId("zk-node-/zookeeper")).toBeVisible();

    // Another client creates a node: the open tree shows it.
    await other.create("/others", Buffer.from("first"), "persistent");
    await expect(page.getByTestId("zk-node-/others")).toBeVisible({ timeout: 20_000 });
    await page.getByTestId("zk-node-/others").click();
    await expect(page.getByTestId("zk-data")).toHaveText("first");
    await expect(page.getByTestId("zk-acl-row")).toHaveText(["world:anyonecdrwa"]);
    // ... changes its data: the open panel shows it.
    await other.setData("/others", Buffer.from("second"));
    await expect(page.getByTestId("zk-data")).toHaveText("second", { timeout: 20_000 });
    await expect(page.getByTestId("stat-dataVersion")).toHaveText("1");

    // An ephemeral created here belongs to the console's session, and the explorer says so.
    await page.getByTestId("zk-child-name").fill("mine");
    await page.getByTestId("zk-child-mode").selectOption("ephemeral");
    await expect(page.getByTestId("zk-child-mode-help")).toContainText("owned by this console's coordinator session");
    await page.getByTestId("zk-create").click();
    await expect(page.getByTestId("zk-create-message")).toContainText("created /others/mine, ephemeral: owned by this console's session 0x");
    await expect(page.getByTestId("stat-numChildren")).toHaveText("1");
    await page.getByTestId("zk-expand-/others").click();
    await page.getByTestId("zk-node-/others/mine").click();
    await expect(page.getByTestId("zk-owned-by-console")).toContainText("owned by this console's coordinator session");

    // Recursive delete: the preview lists what goes, and follows changes made meanwhile.
    await page.getByTestId("zk-node-/others").click();
    await page.getByTestId("zk-delete").click();
    await expect(page.getByTestId("zk-delete-summary")).toHaveText("2 znodes will be deleted:");
    await expect(page.getByTestId("zk-delete-item")).toHaveCount(2);
    await other.create("/others/late", null, "persistent");
    await expect(page.getByTestId("zk-delete-summary")).toHaveText("3 znodes will be deleted:", { timeout: 20_000 });
    await page.screenshot({ path: info.outputPath("zk-delete-preview.png"), fullPage: true });
    await page.getByTestId("zk-delete-confirm").click();
    await expect(page.getByTestId("zk-path")).toHaveText("/");
    await expect(page.getByTestId("zk-node-/others")).toHaveCount(0);
    expect(await other.exists("/others")).toBeNull();
  });
});
