import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_FAILOVER_OPTIONS } from "./FailoverOptions";
import { parseClientUri } from "./parseClientUri";

describe("parseClientUri", () => {
  test("the full ActiveMQ failover URI from the issue", () => {
    const t = parseClientUri(
      "failover:(stomp://a:61613,stomp://b:61623)?initialReconnectDelay=10&maxReconnectDelay=30000&useExponentialBackOff=true&backOffMultiplier=2&randomize=true&priorityBackup=false&maxReconnectAttempts=-1&timeout=-1",
    );
    assert.deepEqual(
      t.endpoints.map((e) => [e.url, e.host, e.port]),
      [
        ["stomp://a:61613", "a", 61613],
        ["stomp://b:61623", "b", 61623],
      ],
    );
    assert.equal(t.discovery, null);
    assert.deepEqual(t.options, { ...DEFAULT_FAILOVER_OPTIONS, priorityURIs: [] });
  });

  test("ActiveMQ defaults when no option is given (brokers.md §d.2)", () => {
    const o = parseClientUri("failover:(stomp://a:1)").options;
    assert.equal(o.initialReconnectDelay, 10);
    assert.equal(o.maxReconnectDelay, 30000);
    assert.equal(o.useExponentialBackOff, true);
    assert.equal(o.backOffMultiplier, 2);
    assert.equal(o.maxReconnectAttempts, -1);
    assert.equal(o.startupMaxReconnectAttempts, -1);
    assert.equal(o.randomize, true);
    assert.equal(o.timeout, -1);
    assert.equal(o.priorityBackup, false);
  });

  test("options are parsed with their types", () => {
    const o = parseClientUri(
      "failover:(stomp://a:1,tcp://b)?randomize=false&maxReconnectAttempts=0&timeout=3000&reconnectDelayExponent=1.5&useExponentialBackOff=false&startupMaxReconnectAttempts=3",
    );
    assert.equal(o.options.randomize, false);
    assert.equal(o.options.maxReconnectAttempts, 0);
    assert.equal(o.options.timeout, 3000);
    assert.equal(o.options.backOffMultiplier, 1.5, "reconnectDelayExponent is the docs' alias");
    assert.equal(o.options.useExponentialBackOff, false);
    assert.equal(o.options.startupMaxReconnectAttempts, 3);
    assert.equal(o.endpoints[1]!.url, "stomp://b:61613", "tcp:// is accepted and the STOMP port defaults to 61613");
  });

  test("without parentheses", () => {
    const t = parseClientUri("failover:stomp://a:1,stomp://b:2");
    assert.deepEqual(t.endpoints.map((e) => e.url), ["stomp://a:1", "stomp://b:2"]);
  });

  test("nested.* wins over per-URI values; unknown options are per-URI defaults (AMQ-4718)", () => {
    const t = parseClientUri("failover:(stomp://a:1?login=x&heartBeat=5,5,stomp://b:2)?nested.passcode=p&login=dflt&randomize=false");
    assert.deepEqual(t.endpoints[0]!.params, { login: "x", heartBeat: "5,5", passcode: "p" });
    assert.deepEqual(t.endpoints[1]!.params, { login: "dflt", passcode: "p" });
    const u = parseClientUri("failover:(stomp://a:1?passcode=own)?nested.passcode=forced");
    assert.equal(u.endpoints[0]!.params.passcode, "forced");
  });

  test("ActiveMQ options without meaning for STOMP are reported, not silently passed on", () => {
    const t = parseClientUri("failover:(stomp://a:1)?trackMessages=true&backup=true");
    assert.deepEqual(t.ignored, ["trackMessages", "backup"]);
    assert.deepEqual(t.endpoints[0]!.params, {});
  });

  test("priorityURIs are normalised", () => {
    const t = parseClientUri("failover:(stomp://a:1,stomp://b:2)?priorityBackup=true&priorityURIs=tcp://b:2");
    assert.equal(t.options.priorityBackup, true);
    assert.deepEqual(t.options.priorityURIs, ["stomp://b:2"]);
  });

  test("discovery through the coordinator", () => {
    const t = parseClientUri("discovery:zk://127.0.0.1:2181/tandem/test/group1");
    assert.deepEqual(t.discovery, { connectString: "127.0.0.1:2181", path: "/tandem/test/group1" });
    assert.deepEqual(t.endpoints, []);
    const u = parseClientUri("discovery:(zk://h1:2181,h2:2182/tandem/g/)?maxReconnectDelay=500");
    assert.deepEqual(u.discovery, { connectString: "h1:2181,h2:2182", path: "/tandem/g" });
    assert.equal(u.options.maxReconnectDelay, 500);
    const v = parseClientUri("discovery:zk://h:1/p?randomize=false");
    assert.equal(v.options.randomize, false);
  });

  test("a plain stomp:// URI never reconnects", () => {
    const t = parseClientUri("stomp://127.0.0.1:61613");
    assert.equal(t.endpoints.length, 1);
    assert.equal(t.options.maxReconnectAttempts, 0);
  });

  test("IPv6 hosts", () => {
    const t = parseClientUri("failover:(stomp://[::1]:61613)");
    assert.equal(t.endpoints[0]!.host, "::1");
    assert.equal(t.endpoints[0]!.url, "stomp://[::1]:61613");
  });

  test("malformed URIs are rejected with a clear message", () => {
    assert.throws(() => parseClientUri("failover:(stomp://a:1"), /unbalanced/);
    assert.throws(() => parseClientUri("failover:()"), /no broker URI/);
    assert.throws(() => parseClientUri("failover:(http://a:1)"), /not a broker URI/);
    assert.throws(() => parseClientUri("failover:(stomp://a:1)?randomize=yes"), /randomize must be true or false/);
    assert.throws(() => parseClientUri("failover:(stomp://a:1)?timeout=soon"), /timeout must be a number/);
    assert.throws(() => parseClientUri("failover:(stomp://a:1)x"), /unexpected/);
    assert.throws(() => parseClientUri("stomp://a:70000"), /out of range/);
    assert.throws(() => parseClientUri("discovery:zk://h:1"), /discovery expects/);
    assert.throws(() => parseClientUri("discovery:zk://h:1/"), /zkPath/);
  });
});
