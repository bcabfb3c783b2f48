import { expect, test, type Page } from "@playwright/test";
import { logIn, startClusterConsoleProcess, trpcMutation, type ClusterConsoleProcess } from "./consoleProcess";
import { connectStomp } from "./support/stompClient";

const ADMIN_PASSWORD = "admin's long connections password";

async function trpcQuery<T>(page: Page, url: string, path: string, input: unknown): Promise<T | null> {
  const res = await page.request.get(`${url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  if (res.status() !== 200) return null;
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** A node's connections tab (protocol, heart-beat, unacked, close) and bulk purge with a preview, against the embedded cluster. */
test.describe.serial("connections and bulk actions against the embedded cluster", () => {
  let c: ClusterConsoleProcess;

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    c = await startClusterConsoleProcess();
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  test("a client shows on its node's connections tab and an operator closes it; bulk purge of a filter", async ({ page }, info) => {
    test.setTimeout(240_000);
    await logIn(page, c.url, "admin", c.adminPassword, ADMIN_PASSWORD);
    let master = "";
    await expect
      .poll(
        async () => {
          const r = await trpcQuery<{ groups: Array<{ group: string; master: string | null; error: string | null }> }>(page, c.url, "destinations.list", { limit: 1 });
          const g1 = r?.groups.find((g) => g.group === "group1");
          master = g1?.master ?? "";
          return r !== null && r.groups.length === 2 && r.groups.every((g) => g.error === null) && master !== "";
        },
        { timeout: 150_000, intervals: [1000] },
      )
      .toBe(true);
    const node = await trpcQuery<{ node: { stomp: string[] } }>(page, c.url, "cluster.node", { name: master });
    const url = node!.node.stomp.find((u) => u.startsWith("stomp://") || u.startsWith("tcp://"))!;
    const client = await connectStomp(Number(new URL(url.replace(/^tcp:/, "stomp:")).port), { headers: [["client-id", "pw-client"], ["heart-beat", "0,8000"]] });

    await page.goto(`${c.url}/nodes/${master}?tab=connections`);
    const row = page.getByTestId("connection-row").filter({ hasText: "pw-client" });
    await expect(row).toHaveCount(1, { timeout: 20_000 });
    await expect(row.getByTestId("connection-protocol")).toHaveText("STOMP 1.2 over tcp");
    await expect(row.getByTestId("connection-heartbeat")).toContainText("8 s / off");
    await page.screenshot({ path: info.outputPath("node-connections.png"), fullPage: true });
    await row.getByTestId("connection-close").click();
    await row.getByTestId("connection-close-confirm").click();
    await client.waitClosed(15_000);
    await expect(page.getByTestId("connection-row").filter({ hasText: "pw-client" })).toHaveCount(0, { timeout: 20_000 });

    for (const n of ["pw.bulk.a", "pw.bulk.b"]) expect((await trpcMutation(page, c.url, "destinations.create", { group: "group1", kind: "queue", name: n })).status).toBe(200);
    for (const [n, k] of [["pw.bulk.a", 1], ["pw.bulk.b", 2]] as const) {
      for (let i = 0; i < k; i++) expect((await trpcMutation(page, c.url, "destinations.send", { group: "group1", name: `/queue/${n}`, body: "x" })).status).toBe(200);
    }
    await page.getByTestId("nav-destinations").click();
    await page.getByTestId("dest-filter").fill("pw.bulk");
    await page.getByTestId("bulk-purge").click();
    await expect(page.getByTestId("bulk-summary")).toHaveText('Purge 2 destinations (name contains "pw.bulk"): 3 messages will be removed.', { timeout: 30_000 });
    await page.screenshot({ path: info.outputPath("bulk-preview.png"), fullPage: true });
    await page.getByTestId("bulk-confirm").click();
    await expect(page.getByTestId("bulk-result")).toHaveText("2 done, 3 messages removed");
  });
});
