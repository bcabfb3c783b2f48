import { AppError } from "../AppError";

export const DATA_ENCODINGS = ["text", "json", "hex", "base64"] as const;
export type DataEncoding = (typeof DATA_ENCODINGS)[number];

/**
 * Turns what an operator typed into znode bytes. Strict on purpose: Buffer.from(..., "hex") and
 * "base64" silently drop invalid characters, which would store something other than what was
 * typed; JSON is parsed so a typo is refused instead of stored.
 */
export function decodeZnodeData(text: string, encoding: DataEncoding): Buffer {
  switch (encoding) {
    case "text":
      return Buffer.from(text, "utf8");
    case "json": {
      try {
        JSON.parse(text);
      } catch (err) {
        throw new AppError("BAD_REQUEST", `not valid JSON: ${(err as Error).message}`, "BAD_ENCODING");
      }
      return Buffer.from(text, "utf8");
    }
    case "hex": {
      const compact = text.replace(/\s+/g, "");
      if (!/^([0-9a-fA-F]{2})*$/.test(compact)) throw new AppError("BAD_REQUEST", "hex data must be pairs of hex digits", "BAD_ENCODING");
      return Buffer.from(compact, "hex");
    }
    case "base64": {
      const compact = text.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
        throw new AppError("BAD_REQUEST", "not valid base64 (A-Z a-z 0-9 + / with = padding)", "BAD_ENCODING");
      }
      return Buffer.from(compact, "base64");
    }
  }
}
