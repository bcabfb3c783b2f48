import { open, type FileHandle } from "node:fs/promises";

interface Entry {
  handle: Promise<FileHandle>;
  refs: number;
  evicted: boolean;
}

export interface AcquiredHandle {
  fh: FileHandle;
  release: () => void;
}

/**
 * Read-only file handles for journal segments, cached because readAt() for paged-out message
 * bodies is random access and opening a file per read would dominate its cost. Handles are
 * reference counted so that reclaim()/truncate() can evict a segment while a read is in flight:
 * the close is deferred until the last reader releases it, instead of failing that read with EBADF.
 */
export class JournalReadHandles {
  // Map iteration order is insertion order; re-inserting on use makes it an LRU.
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxOpen: number = 32) {}

  async acquire(path: string): Promise<AcquiredHandle> {
    let entry = this.entries.get(path);
    if (entry) {
      this.entries.delete(path);
      this.entries.set(path, entry);
    } else {
      entry = { handle: open(path, "r"), refs: 0, evicted: false };
      this.entries.set(path, entry);
    }
    entry.refs++;
    this.trim();
    const owned = entry;
    let fh: FileHandle;
    try {
      fh = await owned.handle;
    } catch (err) {
      owned.refs--;
      if (this.entries.get(path) === owned) this.entries.delete(path);
      throw err;
    }
    let released = false;
    return {
      fh,
      release: (): void => {
        if (released) return;
        released = true;
        owned.refs--;
        if (owned.evicted && owned.refs === 0) closeQuietly(owned);
      },
    };
  }

  /** Forget a path (file being deleted or truncated away); closes once no reader holds it. */
  evict(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    this.entries.delete(path);
    entry.evicted = true;
    if (entry.refs === 0) closeQuietly(entry);
  }

  evictAll(): void {
    for (const path of [...this.entries.keys()]) this.evict(path);
  }

  private trim(): void {
    if (this.entries.size <= this.maxOpen) return;
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= this.maxOpen) return;
      // Busy handles stay; the cache may briefly exceed its cap rather than break a read.
      if (entry.refs === 0) this.evict(path);
    }
  }
}

function closeQuietly(entry: Entry): void {
  // Read-only handle: there is nothing to flush, so a failed close loses nothing and an open
  // failure was already reported to the reader that triggered it.
  entry.handle.then((fh) => fh.close()).catch(() => undefined);
}
