// The published OpenAPI document: every console procedure is either published at /api/v1 or
// named below with the reason it is tRPC-only, and the document passes Redocly's linter (the
// recommended ruleset), run as a real CLI process on the generated file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { AnyProcedure } from "@trpc/server";
import { appRouter } from "../root";
import type { ProcedureMeta } from "../trpc";
import { openApiDocument } from "./openApiDocument";

/** Procedures with no REST route, and why. Anything else without `meta.openapi` fails this test. */
const TRPC_ONLY: Record<string, string> = {
  "auth.login": "sets a browser session cookie; REST authenticates with API tokens",
  "auth.logout": "ends a browser session",
  "auth.changePassword": "a session user's own password (REST has GET /me)",
  "users.list": "the UI's unpaged list; REST has GET /users (users.page)",
  "tokens.list": "the UI's unpaged list; REST has GET /tokens (tokens.page)",
  "webhooks.list": "the UI's unpaged list; REST has GET /webhooks (webhooks.page)",
  "alerts.rules": "the UI's unpaged list; REST has GET /alerts/rules",
  "alerts.silences": "the UI's unpaged list; REST has GET /alerts/silences",
  "alerts.active": "the UI's unpaged list; REST has GET /alerts",
  "bridges.list": "the UI's unpaged list; REST has GET /bridges",
  "cluster.nodes": "the UI's offset/limit table; REST has GET /nodes",
  "destinations.list": "the UI's offset/limit table with sparklines; REST has GET /destinations",
  "events.list": "the UI's cursor list; REST has GET /events",
  "events.search": "the UI's offset/limit search; REST has GET /events",
  "audit.list": "the UI's cursor list; REST has GET /audit",
  "webhooks.deliveries": "the UI's cursor list; REST has GET /webhooks/deliveries",
};

const ROOT = path.resolve(import.meta.dirname, "../../..");

test("every procedure is published at /api/v1 or listed as tRPC-only with a reason", () => {
  const procs = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
  const unpublished = Object.entries(procs)
    .filter(([, p]) => (p._def.meta as ProcedureMeta | undefined)?.openapi === undefined)
    .map(([name]) => name)
    .sort();
  assert.deepEqual(unpublished, Object.keys(TRPC_ONLY).sort());
  const doc = openApiDocument(appRouter, { version: "test" });
  const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.keys(item as object));
  assert.equal(operations.length, Object.keys(procs).length - Object.keys(TRPC_ONLY).length);
});

test("lists follow one convention: page/page_size/sort/sort_reverse/name in, items and counts out", () => {
  const doc = openApiDocument(appRouter, { version: "test" });
  const lists = Object.entries(doc.paths ?? {}).filter(([, item]) => {
    const schema = (item as { get?: { responses?: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }> } }).get?.responses?.["200"]?.content?.["application/json"]?.schema;
    return schema?.properties?.total_count !== undefined;
  });
  assert.ok(lists.length >= 13, `only ${lists.length} paged lists`);
  for (const [p, item] of lists) {
    const params = ((item as { get: { parameters?: Array<{ name: string; schema: { default?: unknown; maximum?: number } }> } }).get.parameters ?? []);
    const byName = new Map(params.map((x) => [x.name, x.schema]));
    for (const n of ["page", "page_size", "sort", "sort_reverse", "name"]) assert.ok(byName.has(n), `${p} lacks ${n}`);
    assert.equal(byName.get("page_size")!.default, 100, p);
    assert.equal(byName.get("page_size")!.maximum, 500, p);
  }
});

test("the document passes `redocly lint` (recommended rules)", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-openapi-"));
  try {
    const file = path.join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(openApiDocument(appRouter, { version: "test" })));
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/@redocly/cli/bin/cli.js"), "lint", "--format", "stylish", file], {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `redocly lint failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
