import { test } from "node:test";
import assert from "node:assert/strict";
import { standaloneDurability } from "./standaloneDurability";

test("flushDiskType decides a standalone node's durability (ASYNC_FLUSH answers before the fsync)", () => {
  assert.deepEqual(standaloneDurability({ sync: "local_disk", flushDiskType: "ASYNC_FLUSH" }), { local: "mem" });
  assert.deepEqual(standaloneDurability({ sync: "local_mem", flushDiskType: "SYNC_FLUSH" }), { local: "disk" });
  assert.deepEqual(standaloneDurability({ sync: "quorum_mem", flushDiskType: "ASYNC_FLUSH" }), { local: "mem" });
});

test("without flushDiskType, sync's local part; a replicated policy takes local_disk and says so", () => {
  assert.deepEqual(standaloneDurability({ sync: "local_mem" }), { local: "mem" });
  assert.deepEqual(standaloneDurability({ sync: "local_disk" }), { local: "disk" });
  const q = standaloneDurability({ sync: "quorum_mem" });
  assert.equal(q.local, "disk");
  assert.match(q.note ?? "", /quorum_mem.*standalone.*local_disk/);
});
