import { open, readFile, rename } from "node:fs/promises";
import type { Term } from "./replicationCodec";

/**
 * The node's list of master tenures (term id → first journal position), kept in a small file
 * beside the journal because segment reclaim deletes the TERM records themselves. Written by
 * write-temp + fsync + rename, so a crash leaves the old or the new list, never half of one.
 */
export class TermHistory {
  private terms: Term[] = [];

  private constructor(private readonly file: string) {}

  static async load(file: string): Promise<TermHistory> {
    const h = new TermHistory(file);
    try {
      const parsed = JSON.parse(await readFile(file, "utf8")) as Term[];
      if (Array.isArray(parsed)) h.terms = parsed.filter((t) => typeof t.id === "string" && typeof t.start === "number");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return h;
  }

  list(): Term[] {
    return this.terms.map((t) => ({ ...t }));
  }

  last(): Term | undefined {
    return this.terms[this.terms.length - 1];
  }

  async add(term: Term): Promise<void> {
    const last = this.last();
    if (last && term.start < last.start) {
      throw new Error(`term ${term.id} starts at ${term.start}, before the last term ${last.id} at ${last.start}`);
    }
    if (last && last.id === term.id) return;
    this.terms.push(term);
    await this.save();
  }

  /** Drops terms that begin at or after `position` (their records were truncated away). */
  async truncate(position: number): Promise<void> {
    const kept = this.terms.filter((t) => t.start < position);
    if (kept.length === this.terms.length) return;
    this.terms = kept;
    await this.save();
  }

  async replace(terms: Term[]): Promise<void> {
    this.terms = terms.map((t) => ({ ...t }));
    await this.save();
  }

  private async save(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(JSON.stringify(this.terms));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
  }
}
