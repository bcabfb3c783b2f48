// What the operating system says about this process and its files, for mntr and dirs.
// Linux reports descriptors in /proc; elsewhere the values are unknown (null) and left out.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Open descriptors and the soft limit (ZooKeeper's UnixOperatingSystemMXBean figures). */
export async function fileDescriptors(): Promise<{ open: number | null; max: number | null }> {
  const open = await readdir("/proc/self/fd").then((l) => l.length, () => null);
  const max = await readFile("/proc/self/limits", "utf8").then(
    (t) => {
      const m = /^Max open files\s+(\d+|unlimited)/m.exec(t);
      return m && m[1] !== "unlimited" ? Number(m[1]) : null;
    },
    () => null,
  );
  return { open, max };
}

/** Bytes of every file under `dir` (ZooKeeperServer.getDirSize); files that vanish meanwhile count 0. */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else total += await stat(p).then((s) => s.size, () => 0);
  }
  return total;
}
