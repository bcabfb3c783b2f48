import type { StompHeaders, StompVersion } from "./StompFrame";
import { escapeHeader, escapingApplies, sanitizeUnescapable } from "./headerEscaping";

/**
 * Serialises one frame into a single Buffer (one allocation: the header block is built as a
 * string, measured, and written next to the body). Hot path: every MESSAGE goes through here.
 *
 * Headers are escaped for 1.1/1.2 except on CONNECT/CONNECTED/STOMP (spec "Value Encoding").
 * Where escaping does not apply, characters that would break the framing are replaced instead
 * (see sanitizeUnescapable). A `content-length` header is appended when the body is non-empty and
 * none was given; a given one that disagrees with the body is corrected, because a wrong length
 * would desynchronise the peer's parser for every later frame on the connection.
 */
export function encodeFrame(
  command: string,
  headers: StompHeaders,
  body: Buffer | undefined,
  version: StompVersion,
): Buffer {
  const bodyLen = body === undefined ? 0 : body.length;
  const escape = escapingApplies(command, version);
  let head = command + "\n";
  let sawLength = false;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    let name = h[0];
    let value = h[1];
    if (name === "content-length") {
      // Only the first occurrence counts on the receiving side (spec 1.2); drop repeats.
      if (sawLength) continue;
      sawLength = true;
      value = String(bodyLen);
    }
    if (escape) {
      name = escapeHeader(name, version);
      value = escapeHeader(value, version);
    } else {
      name = sanitizeUnescapable(name, true);
      value = sanitizeUnescapable(value, false);
    }
    head += name + ":" + value + "\n";
  }
  if (!sawLength && bodyLen > 0) head += "content-length:" + bodyLen + "\n";
  head += "\n";

  return assembleFrame(head, body);
}

/** One Buffer: the header block (command line, header lines and the blank line), the body, NUL. */
export function assembleFrame(head: string, body: Buffer | null | undefined): Buffer {
  const bodyLen = body ? body.length : 0;
  const headLen = Buffer.byteLength(head, "utf8");
  const out = Buffer.allocUnsafe(headLen + bodyLen + 1);
  out.write(head, 0, headLen, "utf8");
  if (body && bodyLen > 0) body.copy(out, headLen);
  out[headLen + bodyLen] = 0;
  return out;
}
