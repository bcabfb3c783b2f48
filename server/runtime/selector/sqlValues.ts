import type { HeaderValue, SqlValue } from "./Selector";

/**
 * Value semantics of JMS selectors over STOMP headers. STOMP carries every header as a string,
 * so, like ActiveMQ's `convert_string_expressions:` mode for STOMP subscriptions (brokers.md
 * e.24), a string that parses as a number compares as one when the other side is numeric, and
 * "true"/"false" compare as booleans against a boolean.
 */

const NUMERIC_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

export function fromHeader(v: HeaderValue): SqlValue {
  return v === undefined ? null : v;
}

/** Number for a numeric value or numeric-looking string, else null. */
export function toNumber(v: SqlValue): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const s = v.trim();
    return NUMERIC_RE.test(s) ? Number(s) : null;
  }
  return null;
}

/** Truth value in a boolean context; UNKNOWN (null) for missing or non-boolean values. */
export function toBool(v: SqlValue): boolean | null {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.toLowerCase();
    if (s === "true") return true;
    if (s === "false") return false;
  }
  return null;
}

/**
 * `=`: UNKNOWN if either side is missing; false for values of unlike types that cannot be
 * converted (JMS 1.1 3.8.1.2: "comparison of non-like type values ... is false").
 */
export function sqlEquals(a: SqlValue, b: SqlValue): boolean | null {
  if (a === null || b === null) return null;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === tb) return a === b;
  if (ta === "number" || tb === "number") {
    if (ta === "boolean" || tb === "boolean") return false;
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== null && y !== null ? x === y : false;
  }
  // boolean vs string
  const x = toBool(a);
  const y = toBool(b);
  return x !== null && y !== null ? x === y : false;
}

/**
 * Ordering for < > <= >=: negative, zero or positive; null for UNKNOWN (a missing side); NaN
 * when the values are not comparable, which makes every ordering test false (JMS: unlike types
 * compare false). Two strings compare numerically when both are numeric, otherwise by code
 * unit order as ActiveMQ's String.compareTo does.
 */
export function sqlCompare(a: SqlValue, b: SqlValue): number | null {
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" || typeof b === "boolean") return NaN;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== null && y !== null) return x - y;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return NaN;
}

/** `LIKE` pattern to an anchored RegExp: `%` any run, `_` one character, `esc` quotes the next. */
export function likeToRegExp(pattern: string, escape: string | undefined): RegExp {
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== undefined && c === escape) {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error(`LIKE pattern '${pattern}' ends with the escape character`);
      src += escapeRegExp(next);
      i++;
    } else if (c === "%") src += "[\\s\\S]*";
    else if (c === "_") src += "[\\s\\S]";
    else src += escapeRegExp(c);
  }
  return new RegExp(`^${src}$`, "u");
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? "\\" + c : c;
}
