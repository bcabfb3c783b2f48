import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Logger } from "pino";

/**
 * The shared-storage master lock (seed 004; ActiveMQ's SharedFileLocker): whoever holds an
 * exclusive OS lock on `<dir>/lock` is the master; the others try again every
 * `lockAcquireSleepInterval`.
 *
 * Node has no flock(2), so the lock is held by a `flock(1)` child (util-linux) whose only job is
 * to keep the lock while reading our end of a pipe: if this process dies — kill -9 included —
 * the pipe closes, the child exits and the kernel releases the lock. That is the property the
 * variant depends on: a crashed master never leaves a stale lock behind, unlike a lock *file*.
 */
export class SharedFileLock {
  private holder: ChildProcess | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  attempts = 0;

  constructor(
    private readonly file: string,
    private readonly retryMs: number,
    private readonly logger: Logger,
  ) {}

  get held(): boolean {
    return this.holder !== null;
  }

  /** Resolves once the lock is ours; retries every retryMs; rejects only when stop() is called. */
  acquire(): Promise<void> {
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        if (this.stopped) {
          reject(new Error("lock acquisition stopped"));
          return;
        }
        this.attempts++;
        void this.tryOnce().then((got) => {
          if (got) {
            resolve();
            return;
          }
          if (this.attempts === 1) {
            this.logger.info({ lock: this.file, retryMs: this.retryMs }, "shared store locked by another broker: waiting as a slave");
          }
          this.timer = setTimeout(attempt, this.retryMs);
        });
      };
      attempt();
    });
  }

  /** One non-blocking try: true when this process now holds the lock. */
  private tryOnce(): Promise<boolean> {
    return new Promise((resolve) => {
      // -n: fail at once instead of queueing; -E 75: our own exit code for "locked by someone else".
      const child = spawn("flock", ["-x", "-n", "-E", "75", this.file, "-c", "echo locked; exec cat > /dev/null"], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      let settled = false;
      const done = (got: boolean): void => {
        if (settled) return;
        settled = true;
        resolve(got);
      };
      createInterface({ input: child.stdout! }).once("line", (line) => {
        if (line === "locked") {
          this.holder = child;
          child.once("exit", (code, signal) => {
            if (this.holder === child && !this.stopped) {
              // The lock holder died under us: we can no longer claim to be master.
              this.logger.error({ code, signal }, "shared store lock holder exited");
              this.holder = null;
              this.onLost?.();
            }
          });
          done(true);
        }
      });
      child.once("exit", () => done(false));
      child.once("error", (err) => {
        this.logger.error({ err }, "cannot run flock(1) for the shared store lock");
        done(false);
      });
    });
  }

  /** Called if the lock is lost while held (the holder process died). */
  onLost: (() => void) | null = null;

  /** Releases the lock (if held) and stops retrying. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const h = this.holder;
    this.holder = null;
    if (!h) return;
    const exited = new Promise<void>((r) => h.once("exit", () => r()));
    h.stdin?.end();
    await exited;
  }
}
