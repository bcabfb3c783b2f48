import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decideElection, type ElectionInput } from "./decideElection";

function member(eid: string, position: number, weight = 1, term?: number): ElectionInput {
  return { eid, data: { id: "test", container: `mq-${eid}`, address: null, position, weight, elected: null, ...(term === undefined ? {} : { term }) } };
}

describe("decideElection (brokers.md §b1.4)", () => {
  test("fewer members than the quorum elects nobody, even a sitting master", () => {
    const d = decideElection([member("0000000001", 10)], 2, "0000000001");
    assert.equal(d.elected, null);
    assert.match(d.reason, /Not enough cluster members connected to elect a master \(1 of quorum 2\)/);
    assert.equal(decideElection([], 1, null).elected, null);
  });

  test("waits while any member has not reported its position (-1: still following the old master)", () => {
    const d = decideElection([member("0000000001", 5), member("0000000002", -1)], 2, null);
    assert.equal(d.elected, null);
    assert.match(d.reason, /waiting/);
  });

  test("the newest position wins, wherever it is in member order", () => {
    assert.equal(decideElection([member("0000000001", 5), member("0000000002", 9), member("0000000003", 7)], 2, null).elected, "0000000002");
    assert.equal(decideElection([member("0000000001", 0), member("0000000002", 0), member("0000000003", 1)], 2, null).elected, "0000000003");
  });

  test("equal positions: higher weight wins, then the older (lower) member", () => {
    assert.equal(decideElection([member("0000000001", 5, 1), member("0000000002", 5, 3)], 2, null).elected, "0000000002");
    assert.equal(decideElection([member("0000000001", 5, 2), member("0000000002", 5, 2), member("0000000003", 5, 2)], 2, null).elected, "0000000001");
    // Weight never beats a newer position: it only breaks ties.
    assert.equal(decideElection([member("0000000001", 6, 1), member("0000000002", 5, 100)], 2, null).elected, "0000000001");
  });

  test("a sitting master stays elected while it is a member, even if another now reports a longer log (§b1.4d, §b1.11)", () => {
    const members = [member("0000000001", -1), member("0000000002", 1_000_000), member("0000000003", -1)];
    const d = decideElection(members, 2, "0000000001");
    assert.equal(d.elected, "0000000001");
    assert.match(d.reason, /sitting master/);
  });

  test("a sitting master that is no longer a member is replaced by a fresh election", () => {
    const members = [member("0000000002", 40), member("0000000003", 41)];
    assert.equal(decideElection(members, 2, "0000000001").elected, "0000000003");
    // …but only once every remaining member has reported.
    assert.equal(decideElection([member("0000000002", 40), member("0000000003", -1)], 2, "0000000001").elected, null);
  });

  test("issue #9 defect 1: a longer log that ends in an older term loses to a shorter one with a later term", () => {
    // M wrote 12.8 MB in term 1 that no slave received; A (term 2) acknowledged 200 writes on B.
    // With A down, the elector sees M and B: B's log holds the acknowledged writes and must win.
    const m = member("0000000004", 12_825_199, 1, 1);
    const b = member("0000000002", 397_894, 1, 2);
    const d = decideElection([b, m], 2, null);
    assert.equal(d.elected, "0000000002");
    assert.match(d.reason, /last term 2, position 397894/);
    // Member order does not matter.
    assert.equal(decideElection([member("0000000001", 12_825_199, 1, 1), member("0000000002", 397_894, 1, 2)], 2, null).elected, "0000000002");
  });

  test("position breaks ties only within a term; then weight; then the older member", () => {
    assert.equal(decideElection([member("0000000001", 50, 1, 3), member("0000000002", 60, 1, 3)], 2, null).elected, "0000000002");
    assert.equal(decideElection([member("0000000001", 60, 1, 3), member("0000000002", 60, 5, 3)], 2, null).elected, "0000000002");
    assert.equal(decideElection([member("0000000001", 60, 2, 3), member("0000000002", 60, 2, 3)], 2, null).elected, "0000000001");
    // Weight never beats a later term, however heavy.
    assert.equal(decideElection([member("0000000001", 900, 100, 2), member("0000000002", 10, 1, 3)], 2, null).elected, "0000000002");
  });

  test("a member that publishes no term (a node from before terms, or a legacy log) ranks as term 0", () => {
    assert.equal(decideElection([member("0000000001", 5_000), member("0000000002", 10, 1, 1)], 2, null).elected, "0000000002");
    // Two legacy logs: position decides, as it always did.
    assert.equal(decideElection([member("0000000001", 5_000), member("0000000002", 10)], 2, null).elected, "0000000001");
  });
});
