import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { encodeFrame } from "./encodeFrame";
import { StompParser } from "./StompParser";
import { getHeader, type StompFrame, type StompHeaders, type StompVersion } from "./StompFrame";
import { escapeHeader, unescapeHeader } from "./headerEscaping";
import { DEFAULT_TEST_LIMITS } from "./stompTestKit";

function parseOne(buf: Buffer, version: StompVersion): StompFrame {
  const p = new StompParser(DEFAULT_TEST_LIMITS);
  p.version = version;
  const ev = p.push(buf);
  assert.equal(ev.length, 1, JSON.stringify(ev));
  const e = ev[0]!;
  if (e.kind !== "frame") throw new Error(`expected a frame, got ${JSON.stringify(e)}`);
  assert.equal(e.size, buf.length);
  return e.frame;
}

describe("encodeFrame", () => {
  test("exact bytes for a 1.2 MESSAGE with escaping and an appended content-length", () => {
    const out = encodeFrame("MESSAGE", [["a:b", "x\ny\\z\r"]], Buffer.from("hi"), "1.2");
    assert.equal(out.toString("latin1"), "MESSAGE\na\\cb:x\\ny\\\\z\\r\ncontent-length:2\n\nhi\0");
  });

  test("1.1 does not escape CR; 1.0 escapes nothing but keeps the frame well-formed", () => {
    assert.equal(encodeFrame("MESSAGE", [["k", "a:b\\"]], undefined, "1.1").toString(), "MESSAGE\nk:a\\cb\\\\\n\n\0");
    assert.equal(encodeFrame("MESSAGE", [["k", "a:b\\"]], undefined, "1.0").toString(), "MESSAGE\nk:a:b\\\n\n\0");
    assert.equal(encodeFrame("MESSAGE", [["k:x", "a\nb"]], undefined, "1.0").toString(), "MESSAGE\nk_x:a b\n\n\0");
  });

  test("CONNECTED is never escaped", () => {
    assert.equal(encodeFrame("CONNECTED", [["server", "Tandem:1"]], undefined, "1.2").toString(), "CONNECTED\nserver:Tandem:1\n\n\0");
  });

  test("no content-length for an empty body; a given wrong content-length is corrected", () => {
    assert.equal(encodeFrame("RECEIPT", [["receipt-id", "7"]], Buffer.alloc(0), "1.2").toString(), "RECEIPT\nreceipt-id:7\n\n\0");
    assert.equal(
      encodeFrame("MESSAGE", [["content-length", "99"], ["content-length", "1"]], Buffer.from("abc"), "1.2").toString(),
      "MESSAGE\ncontent-length:3\n\nabc\0",
    );
  });

  for (const version of ["1.0", "1.1", "1.2"] as const) {
    test(`round trip encode -> parse (${version})`, () => {
      const binary = Buffer.from([0, 1, 2, 0, 10, 13, 0, 255]);
      const safe = version === "1.0"; // 1.0 cannot carry LF/CR/':' in names
      const headers: StompHeaders = [
        ["destination", "/queue/a"],
        ["user", safe ? "é ✓ a:b" : "é ✓ a:b\nline2\\x"],
        ["dup", "first"],
        ["dup", "second"],
        ...(version === "1.2" ? ([["cr", "a\rb"]] as StompHeaders) : []),
      ];
      for (const body of [binary, Buffer.from("text body"), Buffer.alloc(0)]) {
        const frame = parseOne(encodeFrame("MESSAGE", headers, body, version), version);
        assert.equal(frame.command, "MESSAGE");
        assert.deepEqual(frame.body, body);
        assert.deepEqual(
          frame.headers.filter(([k]) => k !== "content-length"),
          headers,
        );
        assert.equal(getHeader(frame, "dup"), "first");
        assert.equal(getHeader(frame, "content-length"), body.length > 0 ? String(body.length) : undefined);
      }
    });
  }

  test("escape/unescape are inverse for every version", () => {
    const samples = ["", "plain", "a:b", "\\", "\n\n", "x\\ny", "\\c", "a\rb:c\\d\n"];
    for (const v of ["1.1", "1.2"] as const) {
      for (const s of samples) {
        if (v === "1.1" && s.includes("\r")) continue; // 1.1 has no CR escape
        assert.equal(unescapeHeader(escapeHeader(s, v), v), s, `${v} ${JSON.stringify(s)}`);
      }
    }
  });
});
