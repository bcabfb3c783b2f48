import { dedupeLogLine } from "./dedupeLogLine";
import { prettyLogLine } from "./prettyLogLine";

export type LogFormat = "json" | "pretty";

/**
 * How the process writes its logs: TANDEM_LOG_FORMAT=json|pretty when asked, otherwise
 * human-readable on a terminal and JSON (one object per line, for jq and collectors) when not.
 */
export function logFormat(env: Record<string, string | undefined>, stdoutIsTty: boolean): LogFormat {
  const asked = env.TANDEM_LOG_FORMAT?.toLowerCase();
  if (asked === "json" || asked === "pretty") return asked;
  return stdoutIsTty ? "pretty" : "json";
}

/**
 * pino's destination: each line with its keys once (dedupeLogLine), then as JSON or pretty.
 * Synchronous writes to the stream, as pino's default destination does for stdout.
 */
export function logDestination(format: LogFormat, out: NodeJS.WritableStream = process.stdout, color = (out as { isTTY?: boolean }).isTTY === true): { write(line: string): void } {
  return {
    write(chunk: string): void {
      for (const line of chunk.split("\n")) {
        if (line === "") continue;
        const clean = dedupeLogLine(line);
        out.write(`${format === "pretty" ? prettyLogLine(clean, color) : clean}\n`);
      }
    },
  };
}
