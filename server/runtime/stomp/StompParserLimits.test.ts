import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StompParser, type ParseEvent, type StompParserLimits } from "./StompParser";
import type { StompVersion } from "./StompFrame";
import { mulberry32, runParser } from "./stompTestKit";

const LIMITS: StompParserLimits = { maxFrameSize: 200, maxHeaders: 4, maxHeaderLineLength: 40 };
const b = (s: string): Buffer => Buffer.from(s, "utf8");

function only(input: string | Buffer, version: StompVersion = "1.2", limits: StompParserLimits = LIMITS): string {
  const run = runParser([typeof input === "string" ? b(input) : input], version, limits);
  const last = run.events[run.events.length - 1];
  return last === undefined ? "none" : last.kind === "error" ? last.code : "frame";
}

function errorOf(events: ParseEvent[]): string | undefined {
  const e = events.find((x) => x.kind === "error");
  return e?.kind === "error" ? e.code : undefined;
}

describe("limits", () => {
  test("frame_too_large: a frame of exactly maxFrameSize is accepted, one more octet is not", () => {
    const head = "SEND\n\n"; // 6 octets, + NUL = 7
    assert.equal(only(head + "x".repeat(200 - 7) + "\0"), "frame");
    assert.equal(only(head + "x".repeat(200 - 6) + "\0"), "frame_too_large");
  });

  test("frame_too_large: a body streamed without NUL is cut off as soon as it cannot fit", () => {
    const p = new StompParser(LIMITS);
    assert.deepEqual(p.push(b("SEND\n\n")), []);
    let fed = 6;
    let code: string | undefined;
    // Bounded: the limit is 200, so the error must come long before 10,000 pushes.
    for (let i = 0; i < 10_000 && code === undefined; i++) {
      code = errorOf(p.push(b("y")));
      fed++;
    }
    assert.equal(code, "frame_too_large");
    // 6 head + 194 body + the NUL still owed = 201 > 200: rejected at the 194th body octet.
    assert.equal(fed, 200);
  });

  test("frame_too_large: content-length larger than the limit is rejected before any body arrives", () => {
    const p = new StompParser(LIMITS);
    assert.equal(errorOf(p.push(b("SEND\ncontent-length:5000\n\n"))), "frame_too_large");
  });

  test("frame_too_large: content-length that fits exactly is accepted", () => {
    const head = "SEND\ncontent-length:170\n\n"; // 25 octets + 170 + NUL = 196
    assert.equal(only(head + "z".repeat(170) + "\0"), "frame");
  });

  test("frame_too_large: header block alone exceeding the limit", () => {
    const limits = { maxFrameSize: 60, maxHeaders: 10, maxHeaderLineLength: 40 };
    const p = new StompParser(limits);
    const code = errorOf(p.push(b("SEND\n" + "aaaa:bbbbbbbbbbbbbbbbbbbbbbbb\n".repeat(3))));
    assert.equal(code, "frame_too_large");
  });

  test("too_many_headers: maxHeaders accepted, one more rejected", () => {
    assert.equal(only("SEND\na:1\nb:2\nc:3\nd:4\n\n\0"), "frame");
    assert.equal(only("SEND\na:1\nb:2\nc:3\nd:4\ne:5\n\n\0"), "too_many_headers");
  });

  test("header_too_long: exactly maxHeaderLineLength accepted (also with CRLF), one more rejected", () => {
    const line40 = "k:" + "v".repeat(38);
    assert.equal(only(`SEND\n${line40}\n\n\0`), "frame");
    assert.equal(only(`SEND\r\n${line40}\r\n\r\n\0`), "frame");
    assert.equal(only(`SEND\n${line40}v\n\n\0`), "header_too_long");
  });

  test("header_too_long: detected while the line is still unterminated", () => {
    const p = new StompParser(LIMITS);
    assert.deepEqual(p.push(b("SEND\nk:" + "v".repeat(38))), []);
    assert.equal(errorOf(p.push(b("vv"))), "header_too_long");
  });

  test("header_too_long: an endless command line is cut off", () => {
    const p = new StompParser(LIMITS);
    assert.equal(errorOf(p.push(b("S".repeat(100)))), "header_too_long");
  });

  test("malformed_header: no colon, empty name", () => {
    assert.equal(only("SEND\nnocolon\n\n\0"), "malformed_header");
    assert.equal(only("SEND\n:value\n\n\0"), "malformed_header");
    // A frame missing its blank line runs into the NUL as a header line.
    assert.equal(only("SEND\na:b\n\0\n"), "malformed_header");
  });

  test("bad_escape: undefined sequences, trailing backslash, \\r in 1.1", () => {
    assert.equal(only("SEND\nx:a\\tb\n\n\0", "1.2"), "bad_escape");
    assert.equal(only("SEND\nx:ab\\\n\n\0", "1.2"), "bad_escape");
    assert.equal(only("SEND\nx\\q:ab\n\n\0", "1.1"), "bad_escape");
    assert.equal(only("SEND\nx:a\\rb\n\n\0", "1.1"), "bad_escape");
    assert.equal(only("SEND\nx:a\\rb\n\n\0", "1.2"), "frame");
    // Not an error where escaping does not apply.
    assert.equal(only("SEND\nx:a\\tb\n\n\0", "1.0"), "frame");
    assert.equal(only("CONNECT\nx:a\\tb\n\n\0", "1.2"), "frame");
  });

  test("bad_content_length: negative, non-numeric, fractional, empty", () => {
    for (const v of ["-1", "abc", "1.5", "", "0x10", "1e2"]) {
      assert.equal(only(`SEND\ncontent-length:${v}\n\n\0`), "bad_content_length", v);
    }
  });

  test("bad_content_length is reported at the end of the headers, before any body", () => {
    const p = new StompParser(LIMITS);
    assert.equal(errorOf(p.push(b("SEND\ncontent-length:nope\n\n"))), "bad_content_length");
  });

  test("bad_command: digits, spaces, punctuation, NUL", () => {
    for (const c of ["1BAD", "SE ND", "SEND;", "GET / HTTP/1.1", "SE\0ND"]) {
      assert.equal(only(`${c}\n\n\0`), "bad_command", JSON.stringify(c));
    }
  });

  test("missing_null: byte after content-length body is not NUL", () => {
    assert.equal(only("SEND\ncontent-length:1\n\nab\0"), "missing_null");
    assert.equal(only("SEND\ncontent-length:0\n\nx\0"), "missing_null");
  });
});

describe("fuzz", () => {
  const seeds = [
    "CONNECT\naccept-version:1.2\nhost:/\n\n\0",
    "SEND\ndestination:/queue/a\ncontent-length:3\n\na\0b\0\n",
    "MESSAGE\nk\\cx:v\\\\\nsubscription:0\n\nbody\0\r\n",
    "SUBSCRIBE\r\nid:1\r\ndestination:/topic/t\r\n\r\n\0",
    "\n\nACK\nid:7\n\n\0",
  ];

  test("2,000 random and mutated inputs never throw and never yield an over-limit frame", () => {
    const rnd = mulberry32(0x5703);
    const int = (n: number): number => Math.floor(rnd() * n);
    const versions: StompVersion[] = ["1.0", "1.1", "1.2"];
    const interesting = [0x00, 0x0a, 0x0d, 0x3a, 0x5c, 0x41, 0x63, 0x74, 0x30, 0x2d];
    let frames = 0;
    let errors = 0;
    for (let iter = 0; iter < 2000; iter++) {
      let input: Buffer;
      if (iter % 5 === 0) {
        input = Buffer.alloc(int(300));
        for (let i = 0; i < input.length; i++) input[i] = rnd() < 0.5 ? interesting[int(interesting.length)]! : int(256);
      } else {
        const bytes = [...Buffer.from(seeds[int(seeds.length)]! + seeds[int(seeds.length)]!)];
        const mutations = 1 + int(6);
        for (let m = 0; m < mutations; m++) {
          const at = int(bytes.length + 1);
          const op = int(4);
          if (op === 0 && bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = interesting[int(interesting.length)]!;
          else if (op === 1) bytes.splice(at, 0, ...Array.from({ length: 1 + int(60) }, () => interesting[int(interesting.length)]!));
          else if (op === 2) bytes.splice(at, 1 + int(5));
          else bytes.splice(at, 0, ...Buffer.from(`content-length:${int(400) - 50}\n`));
        }
        input = Buffer.from(bytes);
      }
      const limits = { maxFrameSize: 32 + int(200), maxHeaders: 1 + int(5), maxHeaderLineLength: 8 + int(40) };
      const p = new StompParser(limits);
      p.version = versions[int(3)]!;
      let dead = false;
      let pos = 0;
      while (pos < input.length) {
        const n = 1 + int(40);
        const events = p.push(input.subarray(pos, pos + n));
        pos += n;
        for (const e of events) {
          assert.equal(dead, false, "event after error");
          if (e.kind === "error") {
            dead = true;
            errors++;
          } else if (e.kind === "frame") {
            frames++;
            assert.ok(e.size <= limits.maxFrameSize, `frame of ${e.size} > ${limits.maxFrameSize}`);
            assert.ok(e.frame.body.length < limits.maxFrameSize);
            assert.ok(e.frame.headers.length <= limits.maxHeaders);
          }
        }
      }
    }
    // The corpus must exercise both outcomes, or the fuzz proves nothing.
    assert.ok(frames > 100, `only ${frames} frames`);
    assert.ok(errors > 100, `only ${errors} errors`);
  });
});
