import { expect, test } from "@playwright/test";
import { logIn, startConsoleProcess, trpcMutation, type ConsoleProcess } from "./consoleProcess";

const ADMIN_PASSWORD = "admin's long e2e password";

/**
 * User management in the browser: disable/enable, role, body-read permission, delete with a
 * confirmation; an admin cannot remove themselves; "change my password" is one click away; a
 * definitions file with problems is refused with sentences.
 */
test.describe.serial("console user management", () => {
  let c: ConsoleProcess;

  test.beforeAll(async () => {
    c = await startConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  test("disable, permissions, delete; no self-removal; change-my-password link; definitions import errors", async ({ page }, info) => {
    await logIn(page, c.url, "admin", c.adminPassword, ADMIN_PASSWORD);
    const made = await trpcMutation(page, c.url, "users.create", { username: "vera", role: "viewer" });
    expect(made.status).toBe(200);
    await page.goto(`${c.url}/users`);
    await expect(page.getByTestId("user-row-vera")).toBeVisible();
    // Nobody removes, disables or demotes themselves: the controls are not there for one's own row.
    await expect(page.getByTestId("user-disable-admin")).toHaveCount(0);
    await expect(page.getByTestId("user-delete-admin")).toHaveCount(0);
    await expect(page.getByTestId("user-role-admin")).toBeDisabled();

    await page.getByTestId("user-disable-vera").click();
    await expect(page.getByTestId("user-state-vera")).toHaveText("disabled");
    await page.getByTestId("user-disable-vera").click();
    await expect(page.getByTestId("user-state-vera")).toHaveText("enabled");
    await expect(page.getByTestId("user-bodies-vera")).not.toBeChecked();
    // A controlled checkbox: it shows the server's state once the change is saved.
    await page.getByTestId("user-bodies-vera").click();
    await expect(page.getByTestId("user-bodies-vera")).toBeChecked();
    await page.getByTestId("user-role-vera").selectOption("operator");
    await expect(page.getByTestId("user-bodies-vera")).toBeDisabled();

    await page.getByTestId("definitions-json").fill(JSON.stringify({ format: "tandem-definitions", version: 1, users: [{ username: "x", role: "god" }] }));
    await page.getByTestId("definitions-import").click();
    await expect(page.getByTestId("definitions-error")).toHaveText(
      "Nothing was imported: the file has 2 problems. users[0].username: a username is 2-32 characters: a-z, 0-9, _ . - (starting with a letter). users[0].role: role must be one of viewer, operator, admin.",
    );
    await page.getByTestId("definitions-json").fill(JSON.stringify({ format: "tandem-definitions", version: 1, users: [{ username: "newbie", role: "viewer" }] }));
    await page.getByTestId("definitions-import").click();
    await expect(page.getByTestId("definitions-report")).toContainText("Users: 1 created, 0 already there.");
    await expect(page.getByTestId("user-row-newbie")).toBeVisible();
    await page.screenshot({ path: info.outputPath("users.png"), fullPage: true });

    await page.getByTestId("user-delete-vera").click();
    await page.getByTestId("user-delete-confirm-vera").click();
    await expect(page.getByTestId("user-row-vera")).toHaveCount(0);

    await page.getByTestId("change-my-password").click();
    await expect(page).toHaveURL(/\/change-password$/);
    await expect(page.getByTestId("pw-current")).toBeVisible();
  });
});
