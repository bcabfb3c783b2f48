import type { StompVersion } from "./StompFrame";

/**
 * Header escaping (spec 1.1 and 1.2 "Value Encoding"). CONNECT and CONNECTED are exempt so that a
 * 1.0-only peer can still read them before any version has been negotiated; STOMP is the 1.1+
 * alias of CONNECT and is exempt for the same reason.
 */
export function escapingApplies(command: string, version: StompVersion): boolean {
  if (version === "1.0") return false;
  return command !== "CONNECT" && command !== "CONNECTED" && command !== "STOMP";
}

// Fast pre-checks: almost every header on the hot path needs no escaping at all.
const NEEDS_ESCAPE_11 = /[\\\n:]/;
const NEEDS_ESCAPE_12 = /[\\\n:\r]/;

/** Escapes `\`, LF and `:` (1.1) and also CR (1.2). 1.0 has no escaping: returned unchanged. */
export function escapeHeader(value: string, version: StompVersion): string {
  if (version === "1.0") return value;
  const re = version === "1.2" ? NEEDS_ESCAPE_12 : NEEDS_ESCAPE_11;
  if (!re.test(value)) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x3a) out += "\\c";
    else if (c === 0x0d && version === "1.2") out += "\\r";
    else out += value[i];
  }
  return out;
}

/**
 * Reverses escapeHeader. Returns null on an undefined escape sequence (e.g. `\t`, a trailing
 * `\`, or `\r` in 1.1): the spec makes that a fatal protocol error, so the caller must not guess.
 */
export function unescapeHeader(value: string, version: StompVersion): string | null {
  if (version === "1.0") return value;
  let i = value.indexOf("\\");
  if (i === -1) return value;
  let out = value.slice(0, i);
  while (i < value.length) {
    const ch = value[i]!;
    if (ch !== "\\") {
      out += ch;
      i++;
      continue;
    }
    const next = value[i + 1];
    if (next === "\\") out += "\\";
    else if (next === "n") out += "\n";
    else if (next === "c") out += ":";
    else if (next === "r" && version === "1.2") out += "\r";
    else return null;
    i += 2;
  }
  return out;
}

// Non-global (stateless) regexes: safe to share at module level.
const UNSAFE_RAW_NAME = /[\r\n:]/;
const UNSAFE_RAW_VALUE = /[\r\n]/;

/**
 * For contexts where escaping does not apply (1.0, CONNECT/CONNECTED) a raw LF or CR would end
 * the header line early and a colon in a name would move the name/value split, desynchronising
 * the peer's parser. Such characters cannot be represented there, so they are replaced rather
 * than allowed to corrupt the stream.
 */
export function sanitizeUnescapable(value: string, isName: boolean): string {
  if (!(isName ? UNSAFE_RAW_NAME : UNSAFE_RAW_VALUE).test(value)) return value;
  return value.replace(isName ? /[\r\n:]/g : /[\r\n]/g, (c) => (c === ":" ? "_" : " "));
}
