import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isFatalConnectError, isTransientBrokerError, StompError } from "./StompError";

describe("StompError classification", () => {
  test("Tandem's not-master wordings are transient (the failover client retries elsewhere)", () => {
    for (const m of [
      "This node is no longer the master",
      "This node is not the master of its group",
      "message could not be stored: no longer master: quorum lost",
      "Server shutting down",
    ]) {
      assert.equal(isTransientBrokerError(m), true, m);
    }
    assert.equal(isTransientBrokerError("User bob is not authorized to write /queue/a"), false);
    assert.equal(isTransientBrokerError("Unexpected ACK received for message-id [x]"), false);
  });

  test("only credential refusals end a failover client at connect", () => {
    const err = (m: string): StompError => new StompError(`broker ERROR: ${m}`, isTransientBrokerError(m));
    assert.equal(isFatalConnectError(err("Authentication failed: this broker requires a login and passcode")), true);
    assert.equal(isFatalConnectError(err("This node is no longer the master")), false);
    assert.equal(isFatalConnectError(err("Too many connections")), false);
    assert.equal(isFatalConnectError(new Error("ECONNREFUSED")), false);
  });
});
