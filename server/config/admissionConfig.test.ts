// The admission-control fields (issue 10): each bad value is refused when the file loads, with a
// message that names the field and says why.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseClusterConfig } from "./loadClusterFile";
import { parseTransportUri } from "./transportUri";

const cluster = (broker: Record<string, unknown>, uri = "stomp://127.0.0.1:61613", nodeBroker?: Record<string, unknown>) => ({
  broker,
  groups: [{ name: "g", nodes: [{ name: "mq1", transportConnectors: [{ name: "t", uri }], ...(nodeBroker ? { broker: nodeBroker } : {}) }] }],
});

function messages(doc: unknown): string[] {
  try {
    parseClusterConfig(doc);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("config was accepted");
}

describe("admission policy fields", () => {
  test("defaults", () => {
    const b = parseClusterConfig(cluster({})).broker;
    assert.equal(b.maxConnectFrameSize, 8192);
    assert.equal(b.frameReadTimeout, 30_000);
    assert.equal(b.inactivityTimeout, 30_000);
    assert.equal(b.minHeartBeat, 1000);
    assert.deepEqual([b.loginFailuresPerAddress, b.loginBackoff, b.loginBackoffMax], [5, 1000, 60_000]);
  });

  test("accepted spellings", () => {
    const b = parseClusterConfig(cluster({ maxConnectFrameSize: "4 kb", frameReadTimeout: "5s", inactivityTimeout: 0, minHeartBeat: 250 })).broker;
    assert.deepEqual([b.maxConnectFrameSize, b.frameReadTimeout, b.inactivityTimeout, b.minHeartBeat], [4096, 5000, 0, 250]);
  });

  test("bad values are refused with the reason", () => {
    assert.match(messages(cluster({ maxConnectFrameSize: "100b" })).join("\n"), /maxConnectFrameSize must be at least 512 bytes/);
    assert.match(messages(cluster({ maxConnectFrameSize: "2mb" })).join("\n"), /maxConnectFrameSize must be at most 1 MiB/);
    assert.match(messages(cluster({ frameReadTimeout: 0 })).join("\n"), /frameReadTimeout must be at least 100ms/);
    assert.match(messages(cluster({ inactivityTimeout: "50ms" })).join("\n"), /inactivityTimeout must be 0 \(off\) or at least 100ms/);
    assert.match(messages(cluster({ minHeartBeat: 5 })).join("\n"), /minHeartBeat below 10 ms/);
    assert.match(messages(cluster({ loginBackoff: 0 })).join("\n"), /loginBackoff must be at least 1ms/);
    assert.match(messages(cluster({ loginFailuresPerAddress: -1 })).join("\n"), /loginFailuresPerAddress/);
    assert.match(messages(cluster({ loginBackoff: "10s", loginBackoffMax: "5s" })).join("\n"), /broker\.loginBackoffMax: .*shorter than loginBackoff/);
    // A node's own broker block is checked too.
    assert.match(
      messages(cluster({}, undefined, { loginBackoff: "2m" })).join("\n"),
      /nodes\[0\]\.broker\.loginBackoffMax: .*shorter than loginBackoff/,
    );
  });
});

describe("transport URI admission options", () => {
  test("maximumConnectionsPerAddress", () => {
    const u = parseTransportUri("stomp://127.0.0.1:1?maximumConnections=100&maximumConnectionsPerAddress=10");
    assert.equal(typeof u === "object" && u.maximumConnectionsPerAddress, 10);
    assert.match(String(parseTransportUri("stomp://127.0.0.1:1?maximumConnections=5&maximumConnectionsPerAddress=10")), /larger than maximumConnections \(5\)/);
    assert.match(String(parseTransportUri("stomp://127.0.0.1:1?maximumConnectionsPerAddress=2000")), /larger than maximumConnections \(1000\)/);
    assert.match(String(parseTransportUri("stomp://127.0.0.1:1?maximumConnectionsPerAddress=0")), /must be a positive integer/);
  });

  test("allowedOrigins: ws/wss only, each an exact origin", () => {
    const u = parseTransportUri("ws://127.0.0.1:1?allowedOrigins=https://a.example.com,http://localhost:3000/");
    assert.deepEqual(typeof u === "object" && u.allowedOrigins, ["https://a.example.com", "http://localhost:3000"]);
    const any = parseTransportUri("wss://127.0.0.1:1?allowedOrigins=*");
    assert.deepEqual(typeof any === "object" && any.allowedOrigins, ["*"]);
    assert.match(String(parseTransportUri("stomp://127.0.0.1:1?allowedOrigins=https://a.example.com")), /applies to ws and wss connectors only/);
    assert.match(String(parseTransportUri("ws://127.0.0.1:1?allowedOrigins=not-an-origin")), /is not an origin/);
    assert.match(String(parseTransportUri("ws://127.0.0.1:1?allowedOrigins=https://a.example.com/path")), /is not an origin/);
    assert.match(String(parseTransportUri("ws://127.0.0.1:1?allowedOrigins=")), /is empty/);
    // Through the cluster schema the reason reaches the operator with the connector's path.
    assert.match(messages(cluster({}, "stomp://127.0.0.1:1?allowedOrigins=*")).join("\n"), /transportConnectors\[0\]\.uri: .*ws and wss/);
  });
});
