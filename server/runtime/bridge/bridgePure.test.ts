import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokerPathOf, forwardVerdict, formatBrokerPath, headersWithHop, parseBrokerPath } from "./brokerPath";
import { combineSelectors } from "./BridgeSession";
import { compilePatterns, effectiveConsumers, networkPriority } from "./demand";
import { parseNetworkConnectorUri } from "./networkConnectorUri";
import { networkDurableClientId, networkDurableGroup, networkDurableSelector } from "./networkDurable";
import { compileSelector } from "../selector/compileSelector";

describe("broker path", () => {
  test("round trip and one hop appended", () => {
    assert.deepEqual(parseBrokerPath(undefined), []);
    assert.equal(formatBrokerPath(["a", "b"]), ",a,b,");
    const h = headersWithHop([["x", "1"], ["TandemBrokerPath", ",a,"]], "b");
    assert.deepEqual(brokerPathOf(h), ["a", "b"]);
    assert.equal(h.filter(([k]) => k === "TandemBrokerPath").length, 1);
  });

  test("NetworkBridgeFilter: not back to a group on the path, not past messageTTL", () => {
    assert.equal(forwardVerdict([], "b", 1), "forward");
    assert.equal(forwardVerdict(["a"], "b", 1), "ttl");
    assert.equal(forwardVerdict(["a"], "b", 2), "forward");
    assert.equal(forwardVerdict(["a", "b"], "a", 5), "loop");
  });

  test("a selector can test the path the way the header is written", () => {
    const c = compileSelector("TandemBrokerPath NOT LIKE '%,g1,%'");
    assert.ok(c.ok);
    assert.equal(c.selector((n) => (n === "TandemBrokerPath" ? ",g2,g1," : undefined)), false);
    assert.equal(c.selector((n) => (n === "TandemBrokerPath" ? ",g2," : undefined)), true);
  });
});

describe("demand", () => {
  const filter = { localGroup: "g1", consumerTTL: 1, dynamicallyIncluded: [], excluded: compilePatterns(["/queue/secret.>"]) };

  test("consumerTTL, the loop guard and excludes decide which remote consumers count", () => {
    const d = {
      destination: "/queue/a",
      consumers: [
        { id: "c1", selector: null, path: [] },
        { id: "c2", selector: null, path: ["g3"] },
        { id: "c3", selector: null, path: ["g1"] },
      ],
    };
    assert.deepEqual(effectiveConsumers(d, filter).map((c) => c.id), ["c1"]);
    assert.deepEqual(effectiveConsumers(d, { ...filter, consumerTTL: 2 }).map((c) => c.id), ["c1", "c2"]);
    assert.deepEqual(effectiveConsumers({ ...d, destination: "/queue/secret.x" }, filter), []);
    assert.deepEqual(effectiveConsumers({ ...d, destination: "/topic/ActiveMQ.Advisory.Consumer" }, filter), []);
  });

  test("dynamicallyIncludedDestinations narrows demand when not empty", () => {
    const f = { ...filter, dynamicallyIncluded: compilePatterns(["/queue/orders.*"]) };
    const d = (destination: string) => ({ destination, consumers: [{ id: "c", selector: null, path: [] }] });
    assert.equal(effectiveConsumers(d("/queue/orders.eu"), f).length, 1);
    assert.equal(effectiveConsumers(d("/queue/other"), f).length, 0);
  });

  test("relayed topic demand is dropped when a direct bridge reaches its group; queue demand is kept", () => {
    const f = { ...filter, consumerTTL: 3, directGroups: new Set(["g3"]) };
    const consumers = [{ id: "via", selector: null, path: ["g3"] }];
    assert.equal(effectiveConsumers({ destination: "/topic/t", consumers }, f).length, 0);
    assert.equal(effectiveConsumers({ destination: "/queue/q", consumers }, f).length, 1);
  });

  test("network priority: -5, one lower per extra hop; 0 when not decreased", () => {
    assert.equal(networkPriority(true, []), -5);
    assert.equal(networkPriority(true, ["g3"]), -6);
    assert.equal(networkPriority(false, ["g3"]), 0);
  });

  test("selectors of a conduit subscription are OR-ed; one consumer without a selector takes everything", () => {
    const s = combineSelectors([{ id: "a", selector: "color = 'red'", path: [] }, { id: "b", selector: "size > 3", path: [] }]);
    assert.ok(s);
    const any = (h: Record<string, string | number>) => s.some((x) => x((n) => h[n]));
    assert.equal(any({ color: "red", size: 1 }), true);
    assert.equal(any({ color: "blue", size: 5 }), true);
    assert.equal(any({ color: "blue", size: 1 }), false);
    assert.equal(combineSelectors([{ id: "a", selector: "x = 1", path: [] }, { id: "b", selector: null, path: [] }]), null);
  });
});

describe("connector URIs", () => {
  test("masterslave:, static: and seed 000's static( spelling", () => {
    assert.deepEqual(parseNetworkConnectorUri("masterslave:(tcp://h:1,tcp://h:2)"), {
      kind: "masterslave",
      endpoints: [{ host: "h", port: 1, url: "stomp://h:1" }, { host: "h", port: 2, url: "stomp://h:2" }],
    });
    const seed = parseNetworkConnectorUri("static(tcp://192.168.0.241:61616,tcp://192.168.0.241:61617)");
    assert.ok(typeof seed !== "string" && seed.kind === "static" && seed.endpoints.length === 2);
  });

  test("refusals say why", () => {
    assert.match(parseNetworkConnectorUri("static:()") as string, /no URI/);
    assert.match(parseNetworkConnectorUri("static:(http://h:1)") as string, /tcp:\/\/ or stomp:\/\//);
    assert.match(parseNetworkConnectorUri("static:(tcp://h)") as string, /port/);
    assert.match(parseNetworkConnectorUri("static:(tcp://h:1?x=1)") as string, /options/);
    assert.match(parseNetworkConnectorUri("tcp://h:1") as string, /masterslave/);
  });
});

describe("remote master without a coordinator (masterslave: list)", () => {
  test("each failure moves on to the next URI, round robin, so the third of three is reached", async () => {
    const { RemoteMaster } = await import("./RemoteMaster");
    const { pino } = await import("pino");
    const r = new RemoteMaster({ group: null, zkPath: null, urls: ["stomp://a:1", "stomp://b:1", "stomp://c:1"] }, null, pino({ level: "silent" }));
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const u = r.next()!;
      seen.push(u);
      r.failed(u);
    }
    assert.deepEqual(seen, ["stomp://a:1", "stomp://b:1", "stomp://c:1", "stomp://a:1"]);
    assert.equal(r.stillCurrent("stomp://b:1"), true, "without an election every listed URI may be the master");
  });
});

describe("durable network subscription", () => {
  test("its client id names the remote group it serves", () => {
    assert.equal(networkDurableGroup(networkDurableClientId("group_2", "g1-g2.duplex")), "group_2");
    assert.equal(networkDurableGroup("some-client"), null);
  });

  test("its stored selector admits exactly what the bridge forwards on a topic (nothing would sit in it for ever)", () => {
    // remote g2, messageTTL 2; g3 bridges to g2 directly (a copy relayed from g3 is g3's to deliver).
    // Group names with LIKE wildcards must not widen the match.
    const c = compileSelector(networkDurableSelector("g2", 2, ["g3", "g_x"]));
    assert.ok(c.ok, c.ok ? "" : c.error);
    const at = (path: string[] | null): boolean => c.selector((n) => (n === "TandemBrokerPath" && path !== null ? formatBrokerPath(path) : undefined));
    const verdict = (path: string[]): boolean => forwardVerdict(path, "g2", 2) === "forward" && !path.some((g) => ["g3", "g_x"].includes(g));
    for (const path of [null, [], ["g1"], ["g2"], ["g4", "g2"], ["g3"], ["g1", "g4"], ["g4"], ["g4", "g5"], ["gax"], ["g_x"], ["g4", "g5", "g6"]]) {
      assert.equal(at(path), path === null ? true : verdict(path), `path ${JSON.stringify(path)}`);
    }
  });
});
