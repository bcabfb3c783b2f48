import assert from "node:assert/strict";
import { test } from "node:test";
import { severityFilter } from "./severityFilter";

test("?severity= becomes the search's list: known values only, duplicates dropped, empty means no filter", () => {
  assert.deepEqual(severityFilter("critical,warning"), ["critical", "warning"]);
  assert.deepEqual(severityFilter("info,info,bogus"), ["info"]);
  assert.equal(severityFilter(""), undefined);
  assert.equal(severityFilter("bogus"), undefined);
});
