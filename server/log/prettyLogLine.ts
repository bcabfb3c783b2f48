/**
 * A JSON log line as a person reads it on a terminal:
 * `01:02:03.456 INFO  console/monitor  group1: mq2 elected master  group=group1 eid=0000000002`.
 * Time in the local time zone; the fields pino adds to every line (pid, hostname, level, time,
 * msg, service, component) are not repeated as key=value; errors print their stack.
 */
const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: "TRACE", color: "\x1b[90m" },
  20: { name: "DEBUG", color: "\x1b[36m" },
  30: { name: "INFO ", color: "\x1b[32m" },
  40: { name: "WARN ", color: "\x1b[33m" },
  50: { name: "ERROR", color: "\x1b[31m" },
  60: { name: "FATAL", color: "\x1b[35m" },
};
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";
const QUIET = new Set(["level", "time", "msg", "pid", "hostname", "service", "component", "err"]);

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function value(v: unknown): string {
  if (typeof v === "string") return /[\s="]/.test(v) || v === "" ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

export function prettyLogLine(line: string, color: boolean): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof o !== "object" || o === null) return line;
  const level = LEVELS[Number(o.level)] ?? { name: String(o.level ?? "").padEnd(5), color: "" };
  // "console/coordinator" + "runtime/coordinator" → "console/coordinator/runtime": each name once.
  const where = [...new Set([o.service, o.component].filter((x): x is string => typeof x === "string" && x !== "").flatMap((x) => x.split("/")))].join("/");
  const fields = Object.entries(o).filter(([k]) => !QUIET.has(k)).map(([k, v]) => `${k}=${value(v)}`).join(" ");
  const c = (code: string, text: string): string => (color ? `${code}${text}${RESET}` : text);
  let out = `${c(DIM, clock(typeof o.time === "number" ? o.time : Date.now()))} ${c(level.color, level.name)} ${where ? c(DIM, `${where} `) : ""}${String(o.msg ?? "")}${fields ? `  ${c(DIM, fields)}` : ""}`;
  const err = o.err as { message?: string; stack?: string } | undefined;
  if (err && typeof err === "object") out += `\n  ${(err.stack ?? err.message ?? JSON.stringify(err)).split("\n").join("\n  ")}`;
  return out;
}
