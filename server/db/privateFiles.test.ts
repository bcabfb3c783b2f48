import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { preparePrivateDir } from "./privateFiles";

test("the console's data directory is made 0700, and an existing wider one is tightened", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tandem-private-"));
  try {
    const fresh = path.join(root, "a", "data");
    preparePrivateDir(fresh);
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    const existing = path.join(root, "data");
    mkdirSync(existing, { mode: 0o755 });
    preparePrivateDir(existing);
    assert.equal(statSync(existing).mode & 0o777, 0o700);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
