"use client";
import { useState, type ReactNode } from "react";
import { base64ToBytes, decodeForView, type ViewEncoding } from "../zk/decodeForView";

const ENCODINGS: ViewEncoding[] = ["text", "json", "hex", "base64"];

/**
 * A message body in the chosen encoding, always as React text (escaped): a body holding HTML or
 * script is shown, never run. The truncation badge says how much of the body the server sent.
 */
export function MessageBodyView({ bodyBase64, truncated, bodySize, encoding }: { bodyBase64: string; truncated: boolean; bodySize: number; encoding: "utf-8" | "binary" }): ReactNode {
  const [view, setView] = useState<ViewEncoding>(encoding === "binary" ? "hex" : "text");
  const bytes = base64ToBytes(bodyBase64);
  const shown = decodeForView(bytes, view);
  return (
    <div className="dataview">
      <div className="toolbar">
        {ENCODINGS.map((e) => (
          <button type="button" key={e} className={e === view ? "on" : undefined} onClick={() => setView(e)} data-testid={`body-enc-${e}`}>
            {e}
          </button>
        ))}
        <span className="badge" data-testid="body-encoding">{encoding}</span>
        {truncated && (
          <span className="badge warn" data-testid="body-truncated">
            truncated: showing {bytes.length} of {bodySize} bytes
          </span>
        )}
      </div>
      {shown.error !== undefined && <p className="error">{shown.error}</p>}
      <pre data-testid="message-body">{shown.text}</pre>
    </div>
  );
}
