import { expect, test } from "@playwright/test";
import { logIn, startConsoleProcess, trpcMutation, type ConsoleProcess } from "./consoleProcess";

const ADMIN_PASSWORD = "admin's long e2e password";
const VIEWER_PASSWORD = "viewer's long e2e password";

test.describe.serial("console shell and permissions", () => {
  let consoleProc: ConsoleProcess;
  let viewerOtp = "";

  test.beforeAll(async () => {
    consoleProc = await startConsoleProcess();
  });
  test.afterAll(async () => {
    await consoleProc?.stop();
  });

  test("strangers are sent to the login page and a wrong password is refused", async ({ page }) => {
    await page.goto(consoleProc.url);
    await expect(page).toHaveURL(/\/login$/);
    await page.getByTestId("login-username").fill("admin");
    await page.getByTestId("login-password").fill("not-the-password");
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-error")).toContainText("invalid username or password");
  });

  test("admin logs in with the printed one-time password, replaces it and sees the shell", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", consoleProc.adminPassword, ADMIN_PASSWORD);
    for (const item of ["overview", "topology", "groups", "nodes", "destinations", "zookeeper", "events", "audit", "users"]) {
      await expect(page.getByTestId(`nav-${item}`)).toBeVisible();
    }
    await expect(page.getByTestId("no-cluster")).toBeVisible();
    await expect(page.getByTestId("live-state")).toHaveText("live");
    const cookie = (await page.context().cookies()).find((c) => c.name === "tandem_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Strict");
    await page.screenshot({ path: info.outputPath("shell-admin.png"), fullPage: true });

    // The one-time password no longer works.
    const reuse = await trpcMutation(page, consoleProc.url, "auth.login", { username: "admin", password: consoleProc.adminPassword });
    expect(reuse.status).toBe(401);

    await page.getByTestId("nav-users").click();
    await page.getByTestId("user-name").fill("vera");
    await page.getByTestId("user-role").selectOption("viewer");
    await page.getByTestId("user-create").click();
    viewerOtp = (await page.getByTestId("user-otp").textContent()) ?? "";
    expect(viewerOtp.length).toBeGreaterThanOrEqual(20);
  });

  test("a viewer sees admin actions greyed out and the API refuses them with 403", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "vera", viewerOtp, VIEWER_PASSWORD);
    await expect(page.getByTestId("whoami")).toContainText("viewer");
    await expect(page.getByTestId("nav-users")).toHaveAttribute("aria-disabled", "true");
    await expect(page.getByTestId("nav-audit")).toHaveAttribute("aria-disabled", "true");
    await page.screenshot({ path: info.outputPath("shell-viewer.png"), fullPage: true });

    const denied = await trpcMutation(page, consoleProc.url, "users.create", { username: "mallory", role: "admin" });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { json: { data: { code: "FORBIDDEN" } } } });

    // Without the CSRF header even an allowed mutation is refused.
    const noHeader = await page.request.post(`${consoleProc.url}/api/trpc/auth.logout`, { headers: { "content-type": "application/json" }, data: {} });
    expect(noHeader.status()).toBe(403);
  });

  test("the admin sees the viewer's refused attempt in the audit log", async ({ page }, info) => {
    await logIn(page, consoleProc.url, "admin", ADMIN_PASSWORD);
    await page.getByTestId("nav-audit").click();
    const row = page.getByTestId("audit-table").locator("tr", { hasText: "users.create" }).filter({ hasText: "mallory" });
    await expect(row).toContainText("vera");
    await expect(row).toContainText("FORBIDDEN");
    await page.screenshot({ path: info.outputPath("audit.png"), fullPage: true });
  });
});
