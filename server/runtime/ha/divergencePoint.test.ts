import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { divergencePoint } from "./divergencePoint";
import type { Term } from "./replicationCodec";

const t = (id: string, start: number): Term => ({ id, start });

describe("divergencePoint (term-based truncation of a returning node)", () => {
  test("both logs empty and term-less: they agree at 0", () => {
    assert.equal(divergencePoint({ terms: [], endPosition: 0 }, { terms: [], endPosition: 0 }), 0);
  });

  test("no terms on either side: the shorter end (nothing to compare)", () => {
    assert.equal(divergencePoint({ terms: [], endPosition: 30 }, { terms: [], endPosition: 50 }), 30);
  });

  test("an empty slave streams from 0 whatever the master has", () => {
    assert.equal(divergencePoint({ terms: [], endPosition: 0 }, { terms: [t("a", 0)], endPosition: 500 }), 0);
  });

  test("a term-less slave with records is safe only if they end before the master's first term", () => {
    assert.equal(divergencePoint({ terms: [], endPosition: 40 }, { terms: [t("a", 40)], endPosition: 500 }), 40);
    assert.equal(divergencePoint({ terms: [], endPosition: 41 }, { terms: [t("a", 40)], endPosition: 500 }), null);
  });

  test("same history, slave behind: stream from the slave's end (no truncation)", () => {
    const terms = [t("a", 0), t("b", 100)];
    assert.equal(divergencePoint({ terms, endPosition: 150 }, { terms, endPosition: 400 }), 150);
    assert.equal(divergencePoint({ terms: [t("a", 0)], endPosition: 80 }, { terms, endPosition: 400 }), 80);
  });

  test("old master returns with a tail from its own term the new master never had: truncate to where the new term begins", () => {
    // The slave was master of term a up to 170; the new master had a only up to 120, then began b.
    const dp = divergencePoint({ terms: [t("a", 0)], endPosition: 170 }, { terms: [t("a", 0), t("b", 120)], endPosition: 300 });
    assert.equal(dp, 120);
  });

  test("slave's tail after a later term of its own: truncate to the end of the last shared term", () => {
    const slave = { terms: [t("a", 0), t("b", 100), t("x", 150)], endPosition: 190 };
    const master = { terms: [t("a", 0), t("b", 100), t("c", 160)], endPosition: 260 };
    assert.equal(divergencePoint(slave, master), 150);
  });

  test("a term with the same id but another start is not shared", () => {
    const slave = { terms: [t("a", 0), t("b", 90)], endPosition: 140 };
    const master = { terms: [t("a", 0), t("b", 100)], endPosition: 200 };
    assert.equal(divergencePoint(slave, master), 90);
  });

  test("no shared first term: null (full resync)", () => {
    assert.equal(divergencePoint({ terms: [t("x", 0)], endPosition: 50 }, { terms: [t("a", 0)], endPosition: 80 }), null);
    assert.equal(divergencePoint({ terms: [t("a", 0)], endPosition: 50 }, { terms: [], endPosition: 0 }), null);
  });

  test("never beyond either end", () => {
    const terms = [t("a", 0)];
    assert.equal(divergencePoint({ terms, endPosition: 500 }, { terms, endPosition: 200 }), 200);
  });
});
