import { defineConfig } from "@playwright/test";

/**
 * Browser tests of the console (e2e/console*.spec.ts). Each spec file starts its own console (and
 * coordinator) as real child processes on ephemeral ports, against the production build: run
 * `npm run e2e` (builds first) or `npm run build && npx playwright test`.
 * Uses Debian's chromium (`apt-get install -y chromium`); no Playwright browser download.
 */
export default defineConfig({
  testDir: "e2e",
  // *.spec.ts keeps these out of the node:test glob (*.test.ts).
  testMatch: /console.*\.spec\.ts$/,
  outputDir: "test-results",
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
});
