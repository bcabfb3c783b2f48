export type EditEncoding = "text" | "json" | "hex" | "base64";

/**
 * The znode editor's draft is always a lossless spelling of bytes: text only when the bytes are
 * valid UTF-8, hex or base64 otherwise. Decoding binary data as text replaces every invalid byte
 * with U+FFFD, so saving such a draft back would silently rewrite the znode (256 bytes became 512
 * before this existed). Pure, so the rules are unit-tested without a browser.
 */

/** The bytes as UTF-8 text, or null when they are not valid UTF-8 (the text would be lossy). */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The encoding a freshly loaded draft starts in: text when that round-trips, hex otherwise. */
export function initialEncoding(bytes: Uint8Array): EditEncoding {
  return utf8OrNull(bytes) === null ? "hex" : "text";
}

/** Spells `bytes` in `encoding`; null when that spelling would lose bytes (non-UTF-8 as text/json). */
export function encodeDraft(bytes: Uint8Array, encoding: EditEncoding): string | null {
  switch (encoding) {
    case "text":
    case "json":
      return utf8OrNull(bytes);
    case "hex": {
      const lines: string[] = [];
      for (let off = 0; off < bytes.length; off += 16) {
        lines.push(Array.from(bytes.subarray(off, off + 16), (b) => b.toString(16).padStart(2, "0")).join(" "));
      }
      return lines.join("\n");
    }
    case "base64": {
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin);
    }
  }
}

/**
 * The bytes a draft stands for, or an error sentence. Mirrors the server's strict decoder
 * (server/console/zk/decodeZnodeData.ts) so a switch of encoding never changes the data.
 */
export function decodeDraft(draft: string, encoding: EditEncoding): { bytes: Uint8Array } | { error: string } {
  switch (encoding) {
    case "text":
      return { bytes: new TextEncoder().encode(draft) };
    case "json":
      try {
        JSON.parse(draft);
      } catch (err) {
        return { error: `not valid JSON: ${(err as Error).message}` };
      }
      return { bytes: new TextEncoder().encode(draft) };
    case "hex": {
      const compact = draft.replace(/\s+/g, "");
      if (!/^([0-9a-fA-F]{2})*$/.test(compact)) return { error: "hex data must be pairs of hex digits" };
      const out = new Uint8Array(compact.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(compact.slice(i * 2, i * 2 + 2), 16);
      return { bytes: out };
    }
    case "base64": {
      const compact = draft.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
        return { error: "not valid base64 (A-Z a-z 0-9 + / with = padding)" };
      }
      const bin = atob(compact);
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return { bytes: out };
    }
  }
}

/**
 * Re-spells a draft in another encoding, keeping its bytes. Refused (with the reason) when the
 * draft does not decode in its current encoding or the bytes cannot be written in the new one.
 */
export function convertDraft(draft: string, from: EditEncoding, to: EditEncoding): { draft: string } | { error: string } {
  const decoded = decodeDraft(draft, from);
  if ("error" in decoded) return decoded;
  if (to === "json") {
    const text = utf8OrNull(decoded.bytes);
    if (text === null) return { error: "these bytes are not UTF-8 text: edit them as hex or base64" };
    return { draft: text };
  }
  const spelled = encodeDraft(decoded.bytes, to);
  if (spelled === null) return { error: "these bytes are not UTF-8 text: edit them as hex or base64" };
  return { draft: spelled };
}
