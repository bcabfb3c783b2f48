import { expect, test } from "@playwright/test";
import { logIn, startConsoleProcess, type ConsoleProcess } from "./consoleProcess";

/**
 * API tokens managed in the UI, against the real console process: create one with a role and an
 * expiry, see its secret once, use it on the REST API, watch its last use appear, revoke it, and
 * get 401 with it afterwards.
 */
test.describe.serial("API tokens page", () => {
  test.setTimeout(120_000);
  let c: ConsoleProcess;

  test.beforeAll(async () => {
    c = await startConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  test("create (secret shown once), use on /api/v1, last used, revoke → 401", async ({ page, request }) => {
    await logIn(page, c.url, "admin", c.adminPassword, "tokens spec password 1");
    await page.getByRole("link", { name: "API tokens" }).click();
    await expect(page).toHaveURL(/\/tokens$/);
    await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();

    await page.getByTestId("token-name").fill("ci-deploy");
    await page.getByTestId("token-role").selectOption("operator");
    await page.getByTestId("token-expiry").selectOption("7");
    await page.getByTestId("token-create").click();
    const secret = (await page.getByTestId("token-secret").textContent())!.trim();
    expect(secret).toMatch(/^tdm_[A-Za-z0-9_-]{40,}$/);
    await expect(page.getByTestId("token-secret-notice")).toContainText("shown once");
    await expect(page.getByTestId("token-row-ci-deploy")).toContainText("operator");
    await expect(page.getByTestId("token-last-used-ci-deploy")).toHaveText("never");
    await expect(page.getByTestId("token-status-ci-deploy")).toHaveText("active");
    await page.screenshot({ path: "test-results/tokens-created.png", fullPage: true });

    // The secret is not kept anywhere the page can show it again.
    await page.reload();
    await expect(page.getByTestId("token-row-ci-deploy")).toBeVisible();
    await expect(page.getByTestId("token-secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    const me = await request.get(`${c.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ username: "admin", role: "operator", via: "token" });
    await page.reload();
    await expect(page.getByTestId("token-last-used-ci-deploy")).not.toHaveText("never");

    page.once("dialog", (d) => void d.accept());
    await page.getByTestId("token-revoke-ci-deploy").click();
    await expect(page.getByTestId("token-status-ci-deploy")).toHaveText("revoked");
    await expect(page.getByTestId("token-revoke-ci-deploy")).toHaveCount(0);
    const after = await request.get(`${c.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status()).toBe(401);
    expect(await after.json()).toMatchObject({ code: "UNAUTHORIZED" });
  });
});
