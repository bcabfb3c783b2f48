import assert from "node:assert/strict";
import { test } from "node:test";
import { ADMIN_ERROR_CODES } from "../../runtime/admin/adminErrorCodes";
import { AppError } from "../AppError";
import { AdminCallError } from "./AdminCallError";
import { adminAppError } from "./adminAppError";

// The node's wording is deliberately not what the mapping sees: the same codes with other text
// must map the same way.
const refusal = (status: number | null, code: AdminCallError["code"], text = "whatever the node says"): AdminCallError => new AdminCallError("mq1", status, code, text);

test("admin failures map to typed errors by the node's code, never its wording", () => {
  const code = (e: AdminCallError): string => (adminAppError(e, "x") as AppError).code;
  assert.equal(code(refusal(404, "NO_DESTINATION")), "NOT_FOUND");
  assert.equal(code(refusal(409, "IN_USE")), "CONFLICT");
  assert.equal(code(refusal(503, "NOT_SERVING")), "UNAVAILABLE");
  assert.equal(code(refusal(null, "NODE_UNREACHABLE", "fetch failed")), "UNAVAILABLE");
  assert.equal(code(refusal(400, "BAD_DESTINATION")), "BAD_REQUEST");
  assert.equal((adminAppError(refusal(503, "NOT_SERVING"), "x") as AppError).reason, "NOT_MASTER", "DestinationService retries on this reason");
  assert.equal((adminAppError(refusal(400, "BAD_SELECTOR"), "x") as AppError).reason, "BAD_SELECTOR");
  // Text that once decided the mapping no longer does.
  assert.equal(code(refusal(400, "INVALID_INPUT", "destination /queue/a does not exist")), "BAD_REQUEST");
  const internal = adminAppError(refusal(500, "INTERNAL", "internal error: boom"), "x");
  assert.ok(!(internal instanceof AppError), "a node's internal error is not blamed on the caller");
  assert.ok(!(adminAppError(refusal(200, "BAD_ANSWER"), "x") instanceof AppError), "an answer breaking the contract is the console's problem, not the caller's");
});

test("every code of the closed set has a mapping", () => {
  for (const c of ADMIN_ERROR_CODES) {
    const e = adminAppError(refusal(400, c), "x");
    assert.ok(e instanceof Error, c);
    assert.doesNotMatch(e.message, /unknown admin error code/, c);
  }
});
