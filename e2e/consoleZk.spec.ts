import { expect, test } from "@playwright/test";
import { startCoordinator, tempDir, type CoordinatorProcess } from "./coordinatorHarness";
import { logIn, startConsoleProcess, trpcMutation, type ConsoleProcess } from "./consoleProcess";

const ADMIN_PASSWORD = "admin's long e2e password";

test.describe.serial("ZooKeeper explorer against Tandem's coordinator", () => {
  let coordinator: CoordinatorProcess;
  let dataDir: { path: string; remove(): Promise<void> };
  let consoleProc: ConsoleProcess;

  test.beforeAll(async () => {
    dataDir = await tempDir("tandem-console-zk-e2e-");
    coordinator = await startCoordinator(dataDir.path);
    consoleProc = await startConsoleProcess({ TANDEM_ZK: `127.0.0.1:${coordinator.port}` });
  });
  test.afterAll(async () => {
    await consoleProc?.stop();
    await coordinator?.stop();
    await dataDir?.remove();
  });

  test("create, edit with version check, view encodings and delete a znode", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", consoleProc.adminPassword, ADMIN_PASSWORD);
    // The tree and the node panel learn of every change (ours too) from socket.io pushes: be connected first.
    await expect(page.getByTestId("live-state")).toHaveText("live");
    await page.getByTestId("nav-zookeeper").click();
    await expect(page.getByTestId("zk-path")).toHaveText("/");
    await expect(page.getByTestId("zk-node-/zookeeper")).toBeVisible();

    await page.getByTestId("zk-child-name").fill("e2e");
    await page.getByTestId("zk-child-data").fill('<script>alert("x")</script>');
    await page.getByTestId("zk-create").click();
    await expect(page.getByTestId("zk-node-/e2e")).toBeVisible();
    await page.getByTestId("zk-node-/e2e").click();
    await expect(page.getByTestId("zk-path")).toHaveText("/e2e");
    // Escaped, shown as text: the markup is visible and no script element was created.
    await expect(page.getByTestId("zk-data")).toHaveText('<script>alert("x")</script>');
    expect(await page.locator("pre script").count()).toBe(0);
    await expect(page.getByTestId("stat-dataVersion")).toHaveText("0");

    await page.getByTestId("zk-edit").fill('{"brokerName":"broker-a"}');
    await page.getByTestId("zk-save").click();
    await expect(page.getByTestId("zk-message")).toHaveText("save: ok");
    await expect(page.getByTestId("stat-dataVersion")).toHaveText("1");
    await page.getByTestId("enc-json").click();
    await expect(page.getByTestId("zk-data")).toContainText('"brokerName": "broker-a"');
    await page.getByTestId("enc-hex").click();
    await expect(page.getByTestId("zk-data")).toContainText("00000000  7b 22 62 72");

    // Someone else changes the node while we edit: the live push shows the new version, our
    // draft is kept, and saving it against the version we started from is refused.
    await page.getByTestId("zk-edit").fill("mine");
    const other = await trpcMutation(page, consoleProc.url, "zk.set", { path: "/e2e", data: "other", encoding: "text", version: 1 });
    expect(other.status).toBe(200);
    await expect(page.getByTestId("stat-dataVersion")).toHaveText("2");
    await expect(page.getByTestId("zk-stale")).toContainText("dataVersion 2");
    await expect(page.getByTestId("zk-edit")).toHaveValue("mine");
    await page.getByTestId("zk-save").click();
    // A conflict, not a raw error code: the server's version is shown and the draft is kept.
    await expect(page.getByTestId("zk-conflict")).toBeVisible();
    await expect(page.getByTestId("zk-conflict-version")).toHaveText("2");
    await expect(page.getByTestId("zk-data")).toContainText("other");
    await expect(page.getByTestId("zk-edit")).toHaveValue("mine");
    expect(await page.getByTestId("zk-message").count()).toBe(0);
    await page.screenshot({ path: info.outputPath("zk-conflict.png"), fullPage: true });
    await page.getByTestId("zk-conflict-overwrite").click();
    await expect(page.getByTestId("zk-message")).toHaveText("save: ok");
    await expect(page.getByTestId("stat-dataVersion")).toHaveText("3");
    await expect(page.getByTestId("zk-conflict")).toHaveCount(0);
    await page.screenshot({ path: info.outputPath("zk-explorer.png"), fullPage: true });
  });

  test("binary data round-trips through the editor byte for byte", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", ADMIN_PASSWORD);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const made = await trpcMutation(page, consoleProc.url, "zk.create", { path: "/bin", data: all.toString("base64"), encoding: "base64", mode: "persistent" });
    expect(made.status).toBe(200);
    await page.getByTestId("nav-zookeeper").click();
    await page.getByTestId("zk-node-/bin").click();
    await expect(page.getByTestId("zk-path")).toHaveText("/bin");
    // Not UTF-8: the editor opens it as hex, and refuses to re-spell it as text.
    await expect(page.getByTestId("zk-edit-encoding")).toHaveValue("hex");
    await page.getByTestId("zk-edit-encoding").selectOption("text");
    await expect(page.getByTestId("zk-message")).toContainText("not UTF-8");
    await expect(page.getByTestId("zk-edit-encoding")).toHaveValue("hex");
    await page.getByTestId("zk-edit-encoding").selectOption("base64");
    await expect(page.getByTestId("zk-edit")).toHaveValue(all.toString("base64"));
    await page.getByTestId("zk-save").click();
    await expect(page.getByTestId("zk-message")).toHaveText("save: ok");
    await expect(page.getByTestId("stat-dataVersion")).toHaveText("1");
    await expect(page.getByTestId("stat-dataLength")).toHaveText("256");
    const back = await page.request.get(`${consoleProc.url}/api/trpc/zk.get?input=${encodeURIComponent(JSON.stringify({ json: { path: "/bin" } }))}`);
    const body = (await back.json()) as { result: { data: { json: { dataBase64: string } } } };
    expect(body.result.data.json.dataBase64).toBe(all.toString("base64"));
    await page.screenshot({ path: info.outputPath("zk-binary.png"), fullPage: true });
  });

  test("big data shows a truncation badge", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", ADMIN_PASSWORD);
    const big = await trpcMutation(page, consoleProc.url, "zk.create", { path: "/big", data: "z".repeat(100_000), encoding: "text", mode: "persistent" });
    expect(big.status).toBe(200);
    await page.getByTestId("nav-zookeeper").click();
    await page.getByTestId("zk-node-/big").click();
    await expect(page.getByTestId("zk-truncated")).toContainText("of 100000 bytes");
    await expect(page.getByTestId("stat-dataLength")).toHaveText("100000");
    await page.screenshot({ path: info.outputPath("zk-truncated.png"), fullPage: true });
  });

  test("delete removes the node from the tree", async ({ page }) => {
    await logIn(page, consoleProc.url, "admin", ADMIN_PASSWORD);
    // The tree drops the node when the delete's push arrives: be connected first.
    await expect(page.getByTestId("live-state")).toHaveText("live");
    await page.getByTestId("nav-zookeeper").click();
    await page.getByTestId("zk-node-/big").click();
    await page.getByTestId("zk-delete").click();
    await expect(page.getByTestId("zk-delete-summary")).toHaveText("1 znode will be deleted:");
    await page.getByTestId("zk-delete-confirm").click();
    await expect(page.getByTestId("zk-path")).toHaveText("/");
    await expect(page.getByTestId("zk-node-/big")).toHaveCount(0);
  });
});
