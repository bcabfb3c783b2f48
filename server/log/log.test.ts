import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { dedupeLogLine, duplicateKeys } from "./dedupeLogLine";
import { logDestination, logFormat } from "./logDestination";
import { prettyLogLine } from "./prettyLogLine";

function capture(format: "json" | "pretty"): { lines: string[]; logger: pino.Logger } {
  const lines: string[] = [];
  const out = { write: (s: string): boolean => { lines.push(...s.split("\n").filter(Boolean)); return true; } } as unknown as NodeJS.WritableStream;
  const logger = pino({ base: { pid: 1, service: "console" } }, logDestination(format, out, false));
  return { lines, logger };
}

test("raw pino repeats a key when a child and a call both set it (the bug this fixes)", () => {
  const lines: string[] = [];
  const raw = pino({ base: { service: "console" } }, { write: (s: string) => void lines.push(s.trim()) });
  raw.child({ component: "runtime" }).child({ component: "console-zk" }).info({ service: "coordinator" }, "listening");
  assert.deepEqual(duplicateKeys(lines[0]!).sort(), ["component", "service"]);
});

test("every line written through the destination carries each key once; nesting reads outermost first", () => {
  const { lines, logger } = capture("json");
  logger.child({ component: "runtime" }).child({ component: "console-zk" }).info({ service: "coordinator", port: 2181 }, "listening");
  logger.info({ service: "console", port: 8161 }, "listening");
  logger.child({ component: "x" }).error({ err: new Error("boom"), nested: { a: "1,}{", b: [1, { c: 2 }] } }, "failed");
  assert.equal(lines.length, 3);
  for (const l of lines) assert.deepEqual(duplicateKeys(l), [], l);
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(first.service, "console/coordinator");
  assert.equal(first.component, "runtime/console-zk");
  assert.equal(first.port, 2181);
  assert.equal((JSON.parse(lines[1]!) as { service: string }).service, "console");
  assert.deepEqual((JSON.parse(lines[2]!) as { nested: unknown }).nested, { a: "1,}{", b: [1, { c: 2 }] });
});

test("a line without duplicates passes unchanged; a non-JSON line too", () => {
  const l = '{"level":30,"time":1,"msg":"x","a":{"b":1}}';
  assert.equal(dedupeLogLine(l), l);
  assert.equal(dedupeLogLine("admin password: x"), "admin password: x");
});

test("pretty lines are readable: local time, level, where, message, fields", () => {
  const { lines, logger } = capture("pretty");
  logger.child({ component: "monitor" }).warn({ group: "group1", node: "mq2" }, "master lost");
  assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} WARN  console\/monitor master lost {2}group=group1 node=mq2$/);
  assert.match(prettyLogLine('{"level":50,"time":0,"msg":"bad","err":{"message":"boom","stack":"Error: boom\\n    at x"}}', false), /ERROR bad\n {2}Error: boom\n {6}at x/);
});

test("format: JSON when asked or not a terminal, pretty on a terminal", () => {
  assert.equal(logFormat({}, true), "pretty");
  assert.equal(logFormat({}, false), "json");
  assert.equal(logFormat({ TANDEM_LOG_FORMAT: "json" }, true), "json");
  assert.equal(logFormat({ TANDEM_LOG_FORMAT: "pretty" }, false), "pretty");
});
