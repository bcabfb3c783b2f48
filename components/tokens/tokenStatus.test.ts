import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenStatus } from "./tokenStatus";

test("revoked wins over expired; expiry is inclusive of now; no expiry is active", () => {
  const now = new Date("2026-12-04T00:00:00Z");
  assert.equal(tokenStatus({ expiresAt: null, revokedAt: null }, now), "active");
  assert.equal(tokenStatus({ expiresAt: new Date("2026-12-05T00:00:00Z"), revokedAt: null }, now), "active");
  assert.equal(tokenStatus({ expiresAt: now, revokedAt: null }, now), "expired");
  assert.equal(tokenStatus({ expiresAt: new Date("2026-12-01T00:00:00Z"), revokedAt: new Date("2026-12-02T00:00:00Z") }, now), "revoked");
});
