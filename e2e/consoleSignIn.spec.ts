import { statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { startConsoleProcess, type ConsoleProcess } from "./consoleProcess";

/** A raw HTTP request with a Host header of our choosing (browsers and fetch do not allow it). */
function get(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: "GET", headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Console sign-in hardening (issue #10) against the real console process over HTTP: the lock-out
 * after repeated wrong passwords (429 + Retry-After), the Host check against DNS rebinding, and
 * the database file's permissions.
 */
test.describe.serial("console sign-in over HTTP", () => {
  test.setTimeout(120_000);
  let c: ConsoleProcess;

  test.beforeAll(async () => {
    c = await startConsoleProcess({ TANDEM_CONSOLE_ALLOWED_HOSTS: "console.example.com" });
  });
  test.afterAll(async () => {
    await c?.stop();
  });

  test("40 wrong passwords at 1.5/s, then the right one: 429 with Retry-After, audited", async ({ request }) => {
    const login = (password: string) =>
      request.post(`${c.url}/api/trpc/auth.login`, {
        headers: { "content-type": "application/json", "x-tandem-csrf": "1", origin: c.url },
        data: { json: { username: "admin", password } },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = Date.now();
      statuses.push((await login(`wrong ${i}`)).status());
      await new Promise((r) => setTimeout(r, Math.max(0, 667 - (Date.now() - t0))));
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(25);
    const right = await login(c.adminPassword);
    expect(right.status()).toBe(429);
    const retryAfter = Number(right.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const body = (await right.json()) as { error: { json: { message: string; data: { reason: string } } } };
    expect(body.error.json.data.reason).toBe("LOCKED_OUT");
    expect(body.error.json.message).toMatch(/too many failed logins/);
    expect(c.lines.some((l) => l.includes("console login refused: locked after repeated failures"))).toBe(true);
  });

  test("a request whose Host the console does not serve is refused (DNS rebinding)", async () => {
    const port = new URL(c.url).port;
    expect((await get(c.url, "/login", `127.0.0.1:${port}`)).status).toBe(200);
    expect((await get(c.url, "/login", `localhost:${port}`)).status).toBe(200);
    expect((await get(c.url, "/login", "console.example.com")).status).toBe(200);
    const evil = await get(c.url, "/login", `rebind.evil.example:${port}`);
    expect(evil.status).toBe(421);
    expect((await get(c.url, "/api/trpc/auth.me", `rebind.evil.example:${port}`)).status).toBe(421);
    expect((await get(c.url, "/socket.io/?EIO=4&transport=polling", `rebind.evil.example:${port}`)).status).not.toBe(200);
  });

  test("console.db and its -wal/-shm are 0600", async () => {
    const db = join(c.dir, "console.db");
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });
});
