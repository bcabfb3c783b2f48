import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeZnodeData } from "../../server/console/zk/decodeZnodeData";
import { convertDraft, decodeDraft, encodeDraft, initialEncoding } from "./editorEncoding";

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe("znode editor encodings", () => {
  test("binary data opens as hex and saves back byte for byte (256 bytes stay 256)", () => {
    assert.equal(initialEncoding(allBytes), "hex");
    const draft = encodeDraft(allBytes, "hex")!;
    // What the server stores from the unchanged draft is exactly the bytes that were loaded.
    const saved = decodeZnodeData(draft, "hex");
    assert.equal(saved.length, 256);
    assert.deepEqual(Uint8Array.from(saved), allBytes);
  });

  test("UTF-8 data opens as text", () => {
    const bytes = new TextEncoder().encode('{"id":"mq1","ünï":"cødé"}');
    assert.equal(initialEncoding(bytes), "text");
    assert.equal(encodeDraft(bytes, "text"), '{"id":"mq1","ünï":"cødé"}');
  });

  test("non-UTF-8 bytes can never be spelled as text or JSON (that would be lossy)", () => {
    assert.equal(encodeDraft(allBytes, "text"), null);
    assert.equal(encodeDraft(allBytes, "json"), null);
    const hex = encodeDraft(allBytes, "hex")!;
    assert.match((convertDraft(hex, "hex", "text") as { error: string }).error, /not UTF-8/);
    assert.match((convertDraft(hex, "hex", "json") as { error: string }).error, /not UTF-8/);
  });

  test("switching encodings keeps the bytes, in every direction", () => {
    const encodings = ["hex", "base64"] as const;
    for (const from of encodings) {
      for (const to of encodings) {
        const start = encodeDraft(allBytes, from)!;
        const moved = convertDraft(start, from, to) as { draft: string };
        const back = decodeDraft(moved.draft, to) as { bytes: Uint8Array };
        assert.deepEqual(back.bytes, allBytes, `${from} -> ${to}`);
        assert.deepEqual(Uint8Array.from(decodeZnodeData(moved.draft, to)), allBytes, `server decodes ${to}`);
      }
    }
    const text = "héllo wörld";
    const asHex = (convertDraft(text, "text", "hex") as { draft: string }).draft;
    assert.equal((convertDraft(asHex, "hex", "text") as { draft: string }).draft, text);
  });

  test("a draft that does not decode is refused with the reason, not converted", () => {
    assert.match((convertDraft("zz", "hex", "base64") as { error: string }).error, /pairs of hex digits/);
    assert.match((convertDraft("{oops", "json", "hex") as { error: string }).error, /not valid JSON/);
  });
});
