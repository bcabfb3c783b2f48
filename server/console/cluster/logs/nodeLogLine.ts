/** Severity names in pino's numbering (the broker logs with pino). */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

/** One line a node process wrote, as the console keeps it. */
export interface NodeLogLine {
  /** Increasing per node across the console's life (not across console restarts). */
  seq: number;
  /** When the line was written: the pino record's `time`, else when the console read it. */
  time: number;
  /** pino level number (10 … 60). */
  level: number;
  stream: "stdout" | "stderr";
  /** The message, with `err.message` appended when the record carries an error. */
  msg: string;
  /** The line exactly as the node wrote it (capped at MAX_LINE_CHARS). */
  text: string;
}

/** A longer line is cut: one runaway record must not fill the ring buffer on its own. */
export const MAX_LINE_CHARS = 8192;

export function levelName(level: number): LogLevelName {
  if (level >= 60) return "fatal";
  if (level >= 50) return "error";
  if (level >= 40) return "warn";
  if (level >= 30) return "info";
  if (level >= 20) return "debug";
  return "trace";
}

/**
 * Reads one raw line. stdout carries pino JSON records; anything else (stderr, or a non-JSON
 * stdout line) is plain text: the CLI's own status lines ("tandem broker mq1: role master") are
 * info, every other text line is what Node itself prints when it dies outside the logger (heap
 * exhaustion, a native assertion, a config error), so it counts as an error.
 */
export function parseNodeLogLine(raw: string, stream: NodeLogLine["stream"], seq: number, now: number): NodeLogLine {
  const text = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)}… (${raw.length - MAX_LINE_CHARS} more characters)` : raw;
  if (raw.startsWith("{")) {
    try {
      const rec = JSON.parse(raw) as { level?: unknown; time?: unknown; msg?: unknown; err?: { message?: unknown } };
      if (typeof rec.level === "number") {
        const base = typeof rec.msg === "string" ? rec.msg : "";
        const errMsg = typeof rec.err?.message === "string" ? rec.err.message : "";
        const msg = errMsg && !base.includes(errMsg) ? `${base}: ${errMsg}` : base;
        return { seq, time: typeof rec.time === "number" ? rec.time : now, level: rec.level, stream, msg: capped(msg), text };
      }
    } catch {
      // not JSON after all: plain text below
    }
  }
  const level = /^tandem broker /.test(raw) ? LOG_LEVELS.info : LOG_LEVELS.error;
  return { seq, time: now, level, stream, msg: capped(raw), text };
}

function capped(s: string): string {
  return s.length > MAX_LINE_CHARS ? `${s.slice(0, MAX_LINE_CHARS)}…` : s;
}
