export type ViewEncoding = "text" | "json" | "hex" | "base64";

/**
 * Renders znode bytes as a string in the chosen encoding. The result is always shown as React
 * text (escaped), never as HTML. Pure so it can be reused by other byte views (message bodies).
 */
export function decodeForView(bytes: Uint8Array, encoding: ViewEncoding): { text: string; error?: string } {
  switch (encoding) {
    case "text":
      return { text: new TextDecoder("utf-8", { fatal: false }).decode(bytes) };
    case "json": {
      const raw = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
      try {
        return { text: JSON.stringify(JSON.parse(raw), null, 2) };
      } catch (err) {
        return { text: raw, error: `not valid JSON (${(err as Error).message})` };
      }
    }
    case "hex": {
      const lines: string[] = [];
      for (let off = 0; off < bytes.length; off += 16) {
        const row = bytes.subarray(off, off + 16);
        const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
        const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
        lines.push(`${off.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${ascii}`);
      }
      return { text: lines.join("\n") };
    }
    case "base64": {
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      return { text: btoa(bin) };
    }
  }
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
