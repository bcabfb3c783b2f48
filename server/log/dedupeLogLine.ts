/**
 * One JSON log line with each top-level key once. pino writes a child's bindings and the call's
 * own fields side by side without merging, so `{"service":"console",…,"service":"coordinator"}`
 * and nested `component`s reach the output twice — and jq, like JSON.parse, keeps only the last.
 * Duplicates with the same value are dropped; different string values are joined outermost first
 * ("console/coordinator", "runtime/console-zk/zk-client": where the line came from); other
 * values: the innermost (last) wins. Values keep their raw JSON text; only top-level keys are
 * looked at (nested objects come from JSON.stringify, which never repeats a key).
 */
export function dedupeLogLine(line: string): string {
  const members = topLevelMembers(line);
  if (members === null) return line;
  const order: string[] = [];
  const byKey = new Map<string, string[]>();
  for (const [key, raw] of members) {
    const seen = byKey.get(key);
    if (seen) seen.push(raw);
    else {
      order.push(key);
      byKey.set(key, [raw]);
    }
  }
  if (order.length === members.length) return line;
  const out = order.map((key) => {
    const raws = byKey.get(key)!;
    return `${JSON.stringify(key)}:${raws.length === 1 ? raws[0] : merge(raws)}`;
  });
  return `{${out.join(",")}}`;
}

function merge(raws: string[]): string {
  const values = raws.map((r) => JSON.parse(r) as unknown);
  if (values.every((v) => typeof v === "string")) {
    const distinct = [...new Set(values as string[])];
    return JSON.stringify(distinct.join("/"));
  }
  return raws[raws.length - 1]!;
}

/** [key, raw JSON value] of each top-level member, in order; null when the line is not an object. */
export function topLevelMembers(line: string): Array<[string, string]> | null {
  const s = line.trim();
  if (!s.startsWith("{") || !s.endsWith("}")) return null;
  const out: Array<[string, string]> = [];
  let i = 1;
  const n = s.length - 1;
  const skipWs = (): void => {
    while (i < n && /\s/.test(s[i]!)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < n && s[i] !== '"') i += s[i] === "\\" ? 2 : 1;
    i++;
    return s.slice(start, i);
  };
  while (i < n) {
    skipWs();
    if (s[i] === ",") {
      i++;
      continue;
    }
    if (i >= n) break;
    if (s[i] !== '"') return null;
    const key = JSON.parse(readString()) as string;
    skipWs();
    if (s[i] !== ":") return null;
    i++;
    skipWs();
    const start = i;
    let depth = 0;
    while (i < n) {
      const c = s[i]!;
      if (c === '"') {
        readString();
        continue;
      }
      if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") depth--;
      else if (c === "," && depth === 0) break;
      i++;
    }
    out.push([key, s.slice(start, i).trim()]);
  }
  return out;
}

/** Keys that occur more than once at the top level of a JSON log line (for tests and checks). */
export function duplicateKeys(line: string): string[] {
  const members = topLevelMembers(line) ?? [];
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const [k] of members) (seen.has(k) ? dup : seen).add(k);
  return [...dup];
}
