import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseTermZnode } from "./GroupMember";
import { lastLogTerm, termNumber } from "./termNumber";

describe("term numbers", () => {
  test("claimed terms are their number; legacy ids (eid@session) count as 0, older than any claimed term", () => {
    assert.equal(termNumber("7"), 7);
    assert.equal(termNumber("123456"), 123456);
    assert.equal(termNumber("0000000003@0a1b2c3d4e5f6071"), 0);
    assert.equal(termNumber("0"), 0);
    assert.equal(termNumber("007"), 0, "never written by claimTerm");
    assert.equal(termNumber(""), 0);
  });

  test("the last term of a log is the last one whose TERM record the log still has", () => {
    const terms = [{ id: "0000000001@00ff", start: 0 }, { id: "4", start: 100 }, { id: "6", start: 250 }];
    assert.equal(lastLogTerm(terms, 400), 6);
    // terms.json survived a crash that cut the journal before the record of term 6.
    assert.equal(lastLogTerm(terms, 250), 4);
    assert.equal(lastLogTerm(terms, 101), 4);
    assert.equal(lastLogTerm(terms, 100), 0);
    assert.equal(lastLogTerm([], 50), 0);
  });

  test("the term znode's data", () => {
    assert.equal(parseTermZnode(Buffer.from(JSON.stringify({ term: 12, by: "0000000002@00aa" }))), 12);
    assert.equal(parseTermZnode(Buffer.from("garbage")), 0);
    assert.equal(parseTermZnode(Buffer.from(JSON.stringify({ term: -3 }))), 0);
    assert.equal(parseTermZnode(null), 0);
  });
});
