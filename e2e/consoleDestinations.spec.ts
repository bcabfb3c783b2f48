import { expect, test, type Page } from "@playwright/test";
import { logIn, startClusterConsoleProcess, trpcMutation, type ClusterConsoleProcess } from "./consoleProcess";

const ADMIN_PASSWORD = "admin's long destinations password";
const VIEWER_PASSWORD = "viewer's long destinations password";
const QUEUE = "/queue/e2e.orders";
const XSS = "<script>alert(1)</script>";

/** A tRPC query as the console's own client sends it (GET, superjson envelope). */
async function trpcQuery(page: Page, url: string, path: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const res = await page.request.get(`${url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  return { status: res.status(), body: await res.json() };
}

test.describe.serial("destinations against the embedded cluster", () => {
  let c: ClusterConsoleProcess;
  let viewerOtp = "";

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    c = await startClusterConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  test("an operator sends a message from the UI, browses it escaped, and purges with a typed confirmation", async ({ page }, info) => {
    test.setTimeout(180_000);
    await logIn(page, c.url, "admin", c.adminPassword, ADMIN_PASSWORD);
    const viewer = await trpcMutation(page, c.url, "users.create", { username: "vera", role: "viewer" });
    expect(viewer.status).toBe(200);
    viewerOtp = (viewer.body as { result: { data: { json: { oneTimePassword: string } } } }).result.data.json.oneTimePassword;

    // The six nodes start with the console; wait until both groups have a serving master.
    await expect
      .poll(
        async () => {
          const r = await trpcQuery(page, c.url, "destinations.list", { limit: 1 });
          const groups = (r.body as { result?: { data: { json: { groups: Array<{ error: string | null }> } } } }).result?.data.json.groups ?? [];
          return r.status === 200 && groups.length === 2 && groups.every((g) => g.error === null);
        },
        { timeout: 120_000, intervals: [1000] },
      )
      .toBe(true);

    // Create the queue through the list page's form.
    await page.getByTestId("nav-destinations").click();
    await page.getByTestId("dest-create-open").click();
    await page.getByTestId("dest-create-group").selectOption("group1");
    await page.getByTestId("dest-create-name").fill("e2e.orders");
    await page.getByTestId("dest-create-submit").click();
    await expect(page.getByTestId("dest-create-result")).toContainText(`Created ${QUEUE}`);
    await page.getByTestId("dest-filter").fill("e2e.orders");
    const row = page.locator(`[data-testid="dest-row"][data-name="${QUEUE}"]`);
    await expect(row).toBeVisible();
    await page.screenshot({ path: info.outputPath("destinations-list.png"), fullPage: true });

    // Send a test message whose body is markup.
    await row.getByTestId("dest-link").click();
    await expect(page.getByTestId("dest-title")).toContainText(QUEUE);
    await page.getByTestId("action-send").click();
    await page.getByTestId("send-headers").fill("x-e2e: yes\ncolor: red");
    await page.getByTestId("send-body").fill(XSS);
    await page.getByTestId("send-submit").click();
    await expect(page.getByTestId("action-result")).toContainText(`to ${QUEUE}`);
    await expect(page.getByTestId("stat-depth")).toHaveText("1");

    // Browse it: the body shows as text, nothing runs, no <script> element is created from it.
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.getByTestId("browse-refresh").click();
    await expect(page.getByTestId("browse-row")).toHaveCount(1);
    await page.getByTestId("browse-open").first().click();
    await expect(page.getByTestId("message-body")).toHaveText(XSS);
    await expect(page.getByTestId("message-headers")).toContainText("x-e2e");
    expect(await page.getByTestId("message-panel").locator("script").count()).toBe(0);
    await page.getByTestId("body-enc-hex").click();
    await expect(page.getByTestId("message-body")).toContainText("3c 73 63 72 69 70 74 3e");
    await page.getByTestId("body-enc-text").click();
    expect(dialogs).toBe(0);
    await page.screenshot({ path: info.outputPath("destination-browse.png"), fullPage: true });

    // Purge: the button stays disabled until the exact name is typed.
    await page.getByTestId("action-purge").click();
    await page.getByTestId("purge-dialog-input").fill("/queue/e2e.order");
    await expect(page.getByTestId("purge-dialog-confirm")).toBeDisabled();
    await page.getByTestId("purge-dialog-input").fill(QUEUE);
    await page.screenshot({ path: info.outputPath("destination-purge-dialog.png"), fullPage: true });
    await page.getByTestId("purge-dialog-confirm").click();
    await expect(page.getByTestId("action-result")).toContainText("Purged 1 message(s)");
    await expect(page.getByTestId("stat-depth")).toHaveText("0");
    await page.getByTestId("browse-refresh").click();
    await expect(page.getByTestId("browse-empty")).toBeVisible();

    // The server checks the typed name too, whatever the UI does.
    const mismatch = await trpcMutation(page, c.url, "destinations.purge", { group: "group1", name: QUEUE, confirmName: "nope" });
    expect(mismatch.status).toBe(412);
  });

  test("a viewer sees purge greyed out and the API answers FORBIDDEN", async ({ page }, info) => {
    await logIn(page, c.url, "vera", viewerOtp, VIEWER_PASSWORD);
    await page.goto(`${c.url}/destinations/view?${new URLSearchParams({ group: "group1", name: QUEUE })}`);
    await expect(page.getByTestId("dest-title")).toContainText(QUEUE);
    await expect(page.getByTestId("stat-depth")).toBeVisible();
    for (const action of ["purge", "delete", "send", "move"]) await expect(page.getByTestId(`action-${action}`)).toBeDisabled();
    await page.screenshot({ path: info.outputPath("destination-viewer.png"), fullPage: true });
    const denied = await trpcMutation(page, c.url, "destinations.purge", { group: "group1", name: QUEUE, confirmName: QUEUE });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { json: { data: { code: "FORBIDDEN" } } } });
    await page.goto(`${c.url}/destinations`);
    await expect(page.getByTestId("dest-create-open")).toBeDisabled();
  });
});
