import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/**
 * The console's database holds password and token hashes: the file and its SQLite companions
 * (-wal, -shm, -journal) are the owner's only (0600), and a directory created for it is 0700.
 * The file is created 0600 before SQLite opens it, because SQLite creates the -wal and -shm files
 * with the database file's permissions; an existing database (from before) is tightened too.
 * A directory that already exists is left alone: DATABASE_URL may point into a shared one.
 */
export function prepareSqliteFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

/**
 * A directory that is the console's own (its --data-dir: database, cluster secrets, node data):
 * created 0700, and brought back to 0700 when it exists with wider permissions.
 */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
