import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { masterFromSnapshot } from "./ZkMasterDiscovery";

const member = (name: string, data: Record<string, unknown> | null): { name: string; data: Buffer | null } => ({
  name,
  data: data === null ? null : Buffer.from(JSON.stringify(data)),
});
const base = { id: "test", address: null, position: -1, weight: 1, elected: null, clients: [] };

describe("masterFromSnapshot", () => {
  test("the elector (lowest member) names the master, whose clients are the URLs", () => {
    const m = masterFromSnapshot([
      member("00000000012", { ...base, container: "mq3", clients: ["stomp://127.0.0.1:7003"] }),
      member("00000000007", { ...base, container: "mq1", elected: "0000000009" }),
      member("00000000009", { ...base, container: "mq2", clients: ["ws://127.0.0.1:8002", "stomp://127.0.0.1:7002", "tcp://h"] }),
    ]);
    assert.deepEqual(m, { eid: "0000000009", container: "mq2", urls: ["stomp://127.0.0.1:7002", "stomp://h:61613"] });
  });

  test("no master: nothing elected, elected member gone, or not yet listening", () => {
    assert.deepEqual(masterFromSnapshot([]).urls, []);
    assert.deepEqual(masterFromSnapshot([member("00000000001", base)]), { eid: null, container: null, urls: [] });
    const gone = masterFromSnapshot([member("00000000001", { ...base, elected: "0000000005" })]);
    assert.deepEqual(gone, { eid: "0000000005", container: null, urls: [] });
    const self = masterFromSnapshot([member("00000000001", { ...base, container: "mq1", elected: "0000000001" })]);
    assert.deepEqual(self, { eid: "0000000001", container: "mq1", urls: [] });
  });

  test("foreign children and unreadable data are ignored", () => {
    const m = masterFromSnapshot([
      member("lock", { elected: "x" }),
      member("00000000001", null),
      member("00000000002", { ...base, elected: "0000000002", clients: ["stomp://a:1", "garbage"] }),
    ]);
    assert.deepEqual(m.urls, ["stomp://a:1"]);
  });
});
