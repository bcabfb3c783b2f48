import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StompParser, type StompParserLimits } from "./StompParser";
import type { StompVersion } from "./StompFrame";
import { DEFAULT_TEST_LIMITS, frameEvent, runParser, type PlainEvent } from "./stompTestKit";

interface Fixture {
  name: string;
  version: StompVersion;
  input: Buffer;
  expected: PlainEvent[];
  /** Whether at least one heartbeat event must be reported. */
  heartbeat: boolean;
  limits?: StompParserLimits;
}

const b = (s: string): Buffer => Buffer.from(s, "utf8");
/** A frame whose wire text is `raw`; size is derived from it so fixtures cannot drift. */
const f = (raw: Buffer | string, command: string, headers: Array<[string, string]>, body: Buffer | string): PlainEvent =>
  frameEvent(command, headers, body, typeof raw === "string" ? Buffer.byteLength(raw) : raw.length);

const binaryBody = Buffer.from([0x00, 0x01, 0xff, 0x00, 0x0a, 0x00, 0x3a, 0x5c]);
const binaryFrame = Buffer.concat([b("SEND\ndestination:/queue/bin\ncontent-length:8\n\n"), binaryBody, Buffer.from([0])]);

const fixtures: Fixture[] = [
  {
    name: "1.0 CONNECT without headers",
    version: "1.0",
    input: b("CONNECT\n\n\0"),
    expected: [f("CONNECT\n\n\0", "CONNECT", [], "")],
    heartbeat: false,
  },
  {
    name: "1.0 SEND with text body; colons in value are kept (split at first colon)",
    version: "1.0",
    input: b("SEND\ndestination:/queue/a\nurl:http://x:80/y\n\nhello\0"),
    expected: [
      f("SEND\ndestination:/queue/a\nurl:http://x:80/y\n\nhello\0", "SEND", [["destination", "/queue/a"], ["url", "http://x:80/y"]], "hello"),
    ],
    heartbeat: false,
  },
  {
    name: "1.0 has no escaping: backslashes are literal",
    version: "1.0",
    input: b("SEND\nx:a\\nb\\t\n\n\0"),
    expected: [f("SEND\nx:a\\nb\\t\n\n\0", "SEND", [["x", "a\\nb\\t"]], "")],
    heartbeat: false,
  },
  {
    name: "1.1 escapes \\\\ \\n \\c in names and values",
    version: "1.1",
    input: b("MESSAGE\nk\\cey:a\\nb\\\\c\\cd\n\nbody\0"),
    expected: [f("MESSAGE\nk\\cey:a\\nb\\\\c\\cd\n\nbody\0", "MESSAGE", [["k:ey", "a\nb\\c:d"]], "body")],
    heartbeat: false,
  },
  {
    name: "1.2 also unescapes \\r",
    version: "1.2",
    input: b("SEND\nx:a\\rb\n\n\0"),
    expected: [f("SEND\nx:a\\rb\n\n\0", "SEND", [["x", "a\rb"]], "")],
    heartbeat: false,
  },
  {
    name: "1.2 CONNECT headers are never unescaped",
    version: "1.2",
    input: b("CONNECT\nlogin:a\\cb\naccept-version:1.2\n\n\0"),
    expected: [f("CONNECT\nlogin:a\\cb\naccept-version:1.2\n\n\0", "CONNECT", [["login", "a\\cb"], ["accept-version", "1.2"]], "")],
    heartbeat: false,
  },
  {
    name: "1.2 CRLF line endings are stripped; CRLF heart-beats between frames",
    version: "1.2",
    input: b("SEND\r\ndestination:/queue/a\r\nk:v\r\n\r\nxy\0\r\n\r\nDISCONNECT\r\n\r\n\0"),
    expected: [
      f("SEND\r\ndestination:/queue/a\r\nk:v\r\n\r\nxy\0", "SEND", [["destination", "/queue/a"], ["k", "v"]], "xy"),
      f("DISCONNECT\r\n\r\n\0", "DISCONNECT", [], ""),
    ],
    heartbeat: true,
  },
  {
    name: "1.0 tolerates CRLF too",
    version: "1.0",
    input: b("SEND\r\na:b\r\n\r\n\0"),
    expected: [f("SEND\r\na:b\r\n\r\n\0", "SEND", [["a", "b"]], "")],
    heartbeat: false,
  },
  {
    name: "content-length with NULs, LFs and escapes inside a binary body",
    version: "1.2",
    input: binaryFrame,
    expected: [f(binaryFrame, "SEND", [["destination", "/queue/bin"], ["content-length", "8"]], binaryBody)],
    heartbeat: false,
  },
  {
    name: "content-length:0",
    version: "1.1",
    input: b("SEND\ncontent-length:0\n\n\0"),
    expected: [f("SEND\ncontent-length:0\n\n\0", "SEND", [["content-length", "0"]], "")],
    heartbeat: false,
  },
  {
    name: "empty body without content-length",
    version: "1.2",
    input: b("UNSUBSCRIBE\nid:0\n\n\0"),
    expected: [f("UNSUBSCRIBE\nid:0\n\n\0", "UNSUBSCRIBE", [["id", "0"]], "")],
    heartbeat: false,
  },
  {
    name: "repeated headers are all kept in order (first wins is getHeader's job)",
    version: "1.2",
    input: b("MESSAGE\nfoo:World\nfoo:Hello\n\n\0"),
    expected: [f("MESSAGE\nfoo:World\nfoo:Hello\n\n\0", "MESSAGE", [["foo", "World"], ["foo", "Hello"]], "")],
    heartbeat: false,
  },
  {
    name: "empty value and spaces are not trimmed",
    version: "1.2",
    input: b("SEND\na:\n b : c \n\n\0"),
    expected: [f("SEND\na:\n b : c \n\n\0", "SEND", [["a", ""], [" b ", " c "]], "")],
    heartbeat: false,
  },
  {
    name: "heart-beats before, between and after frames; several frames in one chunk",
    version: "1.1",
    input: b("\n\nSEND\na:1\n\none\0\n\n\nSEND\na:2\n\ntwo\0SEND\na:3\n\nthree\0\n"),
    expected: [
      f("SEND\na:1\n\none\0", "SEND", [["a", "1"]], "one"),
      f("SEND\na:2\n\ntwo\0", "SEND", [["a", "2"]], "two"),
      f("SEND\na:3\n\nthree\0", "SEND", [["a", "3"]], "three"),
    ],
    heartbeat: true,
  },
  {
    name: "only heart-beats",
    version: "1.2",
    input: b("\n\r\n\n"),
    expected: [],
    heartbeat: true,
  },
  {
    name: "UTF-8 in headers and body",
    version: "1.2",
    input: b("SEND\nnom:été ✓\n\nhéllo ✓\0"),
    expected: [f("SEND\nnom:été ✓\n\nhéllo ✓\0", "SEND", [["nom", "été ✓"]], "héllo ✓")],
    heartbeat: false,
  },
  {
    name: "content-length: first occurrence wins",
    version: "1.2",
    input: b("SEND\ncontent-length:2\ncontent-length:5\n\nab\0"),
    expected: [f("SEND\ncontent-length:2\ncontent-length:5\n\nab\0", "SEND", [["content-length", "2"], ["content-length", "5"]], "ab")],
    heartbeat: false,
  },
  {
    name: "CONNECT with accept-version:1.2 switches the parser for pipelined frames",
    version: "1.0",
    input: b("CONNECT\naccept-version:1.1,1.2\n\n\0SEND\nx:a\\cb\n\n\0"),
    expected: [
      f("CONNECT\naccept-version:1.1,1.2\n\n\0", "CONNECT", [["accept-version", "1.1,1.2"]], ""),
      f("SEND\nx:a\\cb\n\n\0", "SEND", [["x", "a:b"]], ""),
    ],
    heartbeat: false,
  },
  {
    name: "lowercase command is passed through as received",
    version: "1.2",
    input: b("send\n\n\0"),
    expected: [f("send\n\n\0", "send", [], "")],
    heartbeat: false,
  },
  // Error fixtures: the verdict must not depend on how the input was split either.
  {
    name: "error: frames before the error are still delivered",
    version: "1.2",
    input: b("SEND\n\nok\0SEND\nnocolon\n\n\0SEND\n\nlost\0"),
    expected: [f("SEND\n\nok\0", "SEND", [], "ok"), { kind: "error", code: "malformed_header" }],
    heartbeat: false,
  },
  {
    name: "error: missing NUL after content-length body",
    version: "1.2",
    input: b("SEND\ncontent-length:2\n\nabc\0"),
    expected: [{ kind: "error", code: "missing_null" }],
    heartbeat: false,
  },
  {
    name: "error: bad escape \\t in 1.1",
    version: "1.1",
    input: b("SEND\nx:a\\tb\n\n\0"),
    expected: [{ kind: "error", code: "bad_escape" }],
    heartbeat: false,
  },
];

function assertFixture(fx: Fixture, chunks: Buffer[], how: string): void {
  const run = runParser(chunks, fx.version, fx.limits ?? DEFAULT_TEST_LIMITS);
  assert.deepEqual(run.events, fx.expected, `${fx.name} (${how})`);
  if (fx.heartbeat) assert.ok(run.heartbeats > 0, `${fx.name} (${how}): expected a heartbeat`);
  else assert.equal(run.heartbeats, 0, `${fx.name} (${how}): unexpected heartbeat`);
}

describe("StompParser fixtures", () => {
  for (const fx of fixtures) {
    test(fx.name, () => {
      assertFixture(fx, [fx.input], "whole");
      const bytes: Buffer[] = [];
      for (let i = 0; i < fx.input.length; i++) bytes.push(fx.input.subarray(i, i + 1));
      assertFixture(fx, bytes, "byte by byte");
      for (let i = 0; i <= fx.input.length; i++) {
        assertFixture(fx, [fx.input.subarray(0, i), fx.input.subarray(i)], `split at ${i}`);
      }
    });
  }
});

describe("StompParser behaviour", () => {
  test("after an error the parser is dead and returns [] forever", () => {
    const p = new StompParser(DEFAULT_TEST_LIMITS);
    const ev = p.push(b("1BAD\n\n\0"));
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.kind, "error");
    assert.deepEqual(p.push(b("SEND\n\n\0")), []);
    assert.deepEqual(p.push(b("\n")), []);
  });

  test("at most one heartbeat event per push", () => {
    const p = new StompParser(DEFAULT_TEST_LIMITS);
    const ev = p.push(b("\n\n\nSEND\n\n\0\n\n"));
    assert.deepEqual(ev.map((e) => e.kind), ["heartbeat", "frame"]);
    assert.deepEqual(p.push(b("\n")).map((e) => e.kind), ["heartbeat"]);
    assert.deepEqual(p.push(b("SEND\n")), []);
  });

  test("a body inside one chunk is a zero-copy slice of that chunk", () => {
    const chunk = b("SEND\n\nabcdef\0");
    const ev = new StompParser(DEFAULT_TEST_LIMITS).push(chunk);
    assert.equal(ev[0]!.kind, "frame");
    const body = ev[0]!.kind === "frame" ? ev[0]!.frame.body : Buffer.alloc(0);
    assert.equal(body.buffer, chunk.buffer);
  });

  test("version is settable between pushes", () => {
    const p = new StompParser(DEFAULT_TEST_LIMITS);
    const a = p.push(b("SEND\nx:a\\cb\n\n\0"));
    p.version = "1.2";
    const c = p.push(b("SEND\nx:a\\cb\n\n\0"));
    assert.deepEqual(a[0]!.kind === "frame" && a[0]!.frame.headers, [["x", "a\\cb"]]);
    assert.deepEqual(c[0]!.kind === "frame" && c[0]!.frame.headers, [["x", "a:b"]]);
  });

  test("CONNECT without accept-version means 1.0", () => {
    const p = new StompParser(DEFAULT_TEST_LIMITS);
    p.version = "1.2";
    p.push(b("CONNECT\n\n\0"));
    assert.equal(p.version, "1.0");
  });
});
