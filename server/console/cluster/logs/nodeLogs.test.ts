import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, test } from "node:test";
import { isFailure, nextRestart } from "../RestartPolicy";
import { LogRing } from "./LogRing";
import { NodeLog } from "./NodeLog";
import { parseNodeLogLine } from "./nodeLogLine";
import { queryNodeLog } from "./queryNodeLog";
import { RotatingLogFile } from "./RotatingLogFile";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "tandem-nodelog-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("LogRing", () => {
  test("keeps the newest lines within the line bound, oldest first", () => {
    const r = new LogRing<{ text: string }>(3, 1000);
    for (const t of ["a", "b", "c", "d", "e"]) r.push({ text: t });
    assert.deepEqual(r.toArray().map((x) => x.text), ["c", "d", "e"]);
    assert.deepEqual(r.last(2).map((x) => x.text), ["d", "e"]);
    assert.deepEqual(r.last(10).map((x) => x.text), ["c", "d", "e"]);
    assert.equal(r.size, 3);
  });

  test("the character bound drops old lines but always keeps the newest", () => {
    const r = new LogRing<{ text: string }>(100, 10);
    r.push({ text: "aaaa" });
    r.push({ text: "bbbb" });
    r.push({ text: "cccc" }); // 12 > 10: "aaaa" goes
    assert.deepEqual(r.toArray().map((x) => x.text), ["bbbb", "cccc"]);
    assert.equal(r.totalChars, 8);
    r.push({ text: "x".repeat(50) });
    assert.deepEqual(r.toArray().map((x) => x.text.length), [50]);
    // wrap-around many times: order and totals stay right
    const w = new LogRing<{ text: string }>(4, 1000);
    for (let i = 0; i < 1003; i++) w.push({ text: String(i) });
    assert.deepEqual(w.toArray().map((x) => x.text), ["999", "1000", "1001", "1002"]);
    assert.equal(w.totalChars, 3 + 4 + 4 + 4);
  });
});

describe("RotatingLogFile", () => {
  test("rotates by size, keeps N rotations, files 0600 in a 0700 directory", () => {
    const dir = join(tmp(), "logs");
    const f = new RotatingLogFile({ path: join(dir, "node.log"), maxBytes: 100, keep: 2 });
    for (let i = 0; i < 30; i++) f.append([`line ${String(i).padStart(3, "0")} ${"x".repeat(20)}`]); // 30 bytes each
    f.close();
    assert.deepEqual(readdirSync(dir).sort(), ["node.log", "node.log.1", "node.log.2"]);
    for (const name of readdirSync(dir)) {
      assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
      assert.ok(statSync(join(dir, name)).size <= 100, `${name} within the size bound`);
    }
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    // newest lines in the live file, the ones before in .1, then .2; older ones were deleted
    const live = readFileSync(join(dir, "node.log"), "utf8").trim().split("\n");
    const one = readFileSync(join(dir, "node.log.1"), "utf8").trim().split("\n");
    const two = readFileSync(join(dir, "node.log.2"), "utf8").trim().split("\n");
    assert.match(live.at(-1)!, /^line 029 /);
    const all = [...two, ...one, ...live].map((l) => Number(l.slice(5, 8)));
    assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => 30 - all.length + i), "consecutive, nothing lost between rotations");
    assert.equal(all.length, 9);
  });

  test("an existing live file is brought back to 0600 and appended to; readTail returns whole lines", () => {
    const dir = tmp();
    const path = join(dir, "node.log");
    writeFileSync(path, "old 1\nold 2\n");
    chmodSync(path, 0o644);
    const f = new RotatingLogFile({ path, maxBytes: 1 << 20, keep: 3 });
    f.append(["new 1", "new 2"]);
    f.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, "utf8"), "old 1\nold 2\nnew 1\nnew 2\n");
    assert.equal(RotatingLogFile.readTail(path, 14), "new 1\nnew 2\n");
    assert.equal(RotatingLogFile.readTail(join(dir, "missing.log"), 100), "");
  });
});

describe("NodeLog", () => {
  test("joins lines split across chunks, parses pino records and text, keeps both streams in file and ring", async () => {
    const dir = tmp();
    const log = new NodeLog({ file: join(dir, "logs", "node.log"), maxFileBytes: 1 << 20, keepFiles: 2, ringLines: 100, ringChars: 100_000 });
    const out = new PassThrough();
    const err = new PassThrough();
    log.attach(out, "stdout");
    log.attach(err, "stderr");
    const rec = JSON.stringify({ level: 30, time: 1_700_000_000_000, msg: "listening" });
    out.write(rec.slice(0, 10));
    out.write(`${rec.slice(10)}\n{"level":50,"time":1,"msg":"boom","err":{"message":"disk full"}}\n`);
    err.write("tandem broker mq1: role master\nFATAL ERROR: Reached heap limit\n");
    await new Promise((r) => setImmediate(r));
    const lines = log.lines();
    assert.deepEqual(lines.map((l) => [l.stream, l.level, l.msg]), [
      ["stdout", 30, "listening"],
      ["stdout", 50, "boom: disk full"],
      ["stderr", 30, "tandem broker mq1: role master"],
      ["stderr", 50, "FATAL ERROR: Reached heap limit"],
    ]);
    assert.equal(lines[0].time, 1_700_000_000_000);
    log.close();
    assert.equal(readFileSync(join(dir, "logs", "node.log"), "utf8").split("\n").length, 5);
    // a new NodeLog (console restart) reads the file's tail back into its ring
    const again = new NodeLog({ file: join(dir, "logs", "node.log"), maxFileBytes: 1 << 20, keepFiles: 2, ringLines: 100, ringChars: 100_000 });
    assert.deepEqual(again.lines().map((l) => l.msg), lines.map((l) => l.msg));
    again.close();
  });

  test("exit lines: the fatal line first, only the process's own lines", () => {
    const log = new NodeLog({ file: join(tmp(), "node.log"), maxFileBytes: 1 << 20, keepFiles: 1, ringLines: 100, ringChars: 100_000 });
    log.write(['{"level":60,"time":1,"msg":"an older process died"}'], "stdout");
    const since = log.lastSeq;
    log.note("supervisor: started mq1");
    log.write(['{"level":30,"time":2,"msg":"a"}', '{"level":60,"time":3,"msg":"unhandled rejection: exiting"}', '{"level":30,"time":4,"msg":"b"}'], "stdout");
    const x = log.exitLines(since, 20);
    assert.equal(x.fatal?.msg, "unhandled rejection: exiting");
    assert.deepEqual(x.lines.map((l) => l.msg), ["a", "unhandled rejection: exiting", "b"]);
    assert.equal(log.exitLines(log.lastSeq).fatal, null);
    log.close();
  });

  test("an unwritable file is reported once and the ring keeps working", () => {
    const dir = tmp();
    mkdirSync(join(dir, "ro"), { mode: 0o500 });
    const errors: Error[] = [];
    const log = new NodeLog({ file: join(dir, "ro", "sub", "node.log"), maxFileBytes: 100, keepFiles: 1, ringLines: 10, ringChars: 1000, onFileError: (e) => errors.push(e) });
    log.write(["one"], "stderr");
    log.write(["two"], "stderr");
    if (process.getuid?.() !== 0) assert.equal(errors.length, 1);
    assert.deepEqual(log.lines().map((l) => l.text), ["one", "two"]);
    log.close();
  });
});

describe("queryNodeLog and parsing", () => {
  test("level, search (case-insensitive, raw text), limit keeps the newest, beforeSeq pages back", () => {
    const lines = [
      parseNodeLogLine('{"level":30,"msg":"client connected","remote":"10.0.0.1"}', "stdout", 1, 0),
      parseNodeLogLine('{"level":40,"msg":"slow consumer"}', "stdout", 2, 0),
      parseNodeLogLine('{"level":50,"msg":"replication refused"}', "stdout", 3, 0),
      parseNodeLogLine('{"level":30,"msg":"client connected","remote":"10.0.0.2"}', "stdout", 4, 0),
    ];
    assert.deepEqual(queryNodeLog(lines, { level: "warn", limit: 10 }).lines.map((l) => l.seq), [2, 3]);
    assert.deepEqual(queryNodeLog(lines, { search: "10.0.0.2", limit: 10 }).lines.map((l) => l.seq), [4]);
    assert.deepEqual(queryNodeLog(lines, { search: "CLIENT", limit: 1 }), { lines: [lines[3]], matched: 2 });
    assert.deepEqual(queryNodeLog(lines, { limit: 10, beforeSeq: 3 }).lines.map((l) => l.seq), [1, 2]);
  });

  test("a huge line is cut", () => {
    const l = parseNodeLogLine("x".repeat(100_000), "stderr", 1, 0);
    assert.ok(l.text.length < 9000 && l.msg.length < 9000);
  });
});

describe("RestartPolicy", () => {
  const p = { initialDelayMs: 1000, maxDelayMs: 8000, stableAfterMs: 30_000 };
  test("exponential back-off with a cap, reset after a stable run", () => {
    let failures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const n = nextRestart(p, failures, 500);
      failures = n.failures;
      delays.push(n.delayMs);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 8000]);
    assert.deepEqual(nextRestart(p, failures, 30_000), { failures: 1, delayMs: 1000 });
  });

  test("failure as systemd's Restart=on-failure sees it", () => {
    assert.equal(isFailure(1, null), true);
    assert.equal(isFailure(0, null), false);
    assert.equal(isFailure(null, "SIGKILL"), true);
    assert.equal(isFailure(null, "SIGSEGV"), true);
    assert.equal(isFailure(null, "SIGTERM"), false);
  });
});
