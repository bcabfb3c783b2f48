import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_FAILOVER_OPTIONS, reconnectAttemptLimit } from "./FailoverOptions";
import { connectOrder, ReconnectSchedule } from "./ReconnectSchedule";

function delays(s: ReconnectSchedule, n: number): number[] {
  return Array.from({ length: n }, () => s.failedRound());
}

describe("ReconnectSchedule", () => {
  test("default exponential back-off: 10 ms doubling, capped at 30 s", () => {
    const s = new ReconnectSchedule(DEFAULT_FAILOVER_OPTIONS);
    assert.deepEqual(delays(s, 14), [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 30000, 30000]);
    assert.equal(s.failures, 14);
  });

  test("a successful connect resets delay and failure count", () => {
    const s = new ReconnectSchedule(DEFAULT_FAILOVER_OPTIONS);
    delays(s, 5);
    s.reset();
    assert.equal(s.failures, 0);
    assert.deepEqual(delays(s, 2), [10, 20]);
  });

  test("useExponentialBackOff=false keeps the initial delay", () => {
    const s = new ReconnectSchedule({ ...DEFAULT_FAILOVER_OPTIONS, initialReconnectDelay: 100, useExponentialBackOff: false });
    assert.deepEqual(delays(s, 4), [100, 100, 100, 100]);
  });

  test("custom multiplier and cap", () => {
    const s = new ReconnectSchedule({ ...DEFAULT_FAILOVER_OPTIONS, initialReconnectDelay: 100, backOffMultiplier: 1.5, maxReconnectDelay: 300 });
    assert.deepEqual(delays(s, 5), [100, 150, 225, 300, 300]);
  });

  test("an initial delay above the cap is capped", () => {
    const s = new ReconnectSchedule({ ...DEFAULT_FAILOVER_OPTIONS, initialReconnectDelay: 500, maxReconnectDelay: 200 });
    assert.deepEqual(delays(s, 2), [200, 200]);
  });
});

describe("reconnectAttemptLimit", () => {
  test("startupMaxReconnectAttempts applies only before the first connect", () => {
    const o = { ...DEFAULT_FAILOVER_OPTIONS, maxReconnectAttempts: 5, startupMaxReconnectAttempts: 2 };
    assert.equal(reconnectAttemptLimit(o, true), 2);
    assert.equal(reconnectAttemptLimit(o, false), 5);
    assert.equal(reconnectAttemptLimit({ ...o, startupMaxReconnectAttempts: -1 }, true), 5);
  });
});

describe("connectOrder", () => {
  const uris = ["stomp://a:1", "stomp://b:2", "stomp://c:3"];

  test("keeps the order without randomize and deduplicates", () => {
    assert.deepEqual(connectOrder([...uris, "stomp://a:1"], false, null), uris);
  });

  test("the URI that failed last goes to the end", () => {
    assert.deepEqual(connectOrder(uris, false, "stomp://a:1"), ["stomp://b:2", "stomp://c:3", "stomp://a:1"]);
    assert.deepEqual(connectOrder(["stomp://a:1"], false, "stomp://a:1"), ["stomp://a:1"]);
    assert.deepEqual(connectOrder(uris, false, "stomp://zz:9"), uris);
  });

  test("randomize shuffles by swaps and still moves the failed URI last", () => {
    const seq = [0.9, 0.0, 0.5];
    let i = 0;
    const rnd = (): number => seq[i++ % seq.length]!;
    // i=0 swaps with 2, i=1 with 0, i=2 with 1: [a,b,c] → [c,b,a] → [b,c,a] → [b,a,c]
    assert.deepEqual(connectOrder(uris, true, null, rnd), ["stomp://b:2", "stomp://a:1", "stomp://c:3"]);
    i = 0;
    assert.deepEqual(connectOrder(uris, true, "stomp://b:2", rnd), ["stomp://a:1", "stomp://c:3", "stomp://b:2"]);
  });

  test("randomize produces every order over many rounds (not a fixed permutation)", () => {
    const seen = new Set<string>();
    for (let k = 0; k < 500; k++) seen.add(connectOrder(uris, true, null).join(" "));
    assert.equal(seen.size, 6);
  });
});
