"use client";
import { useState, type ReactNode } from "react";
import { base64ToBytes, decodeForView, type ViewEncoding } from "./decodeForView";

const ENCODINGS: ViewEncoding[] = ["text", "json", "hex", "base64"];

/** Byte content with an encoding switch and a truncation badge. Rendered as escaped text only. */
export function DataView({ dataBase64, truncated, totalLength }: { dataBase64: string | null; truncated: boolean; totalLength: number }): ReactNode {
  const [encoding, setEncoding] = useState<ViewEncoding>("text");
  if (dataBase64 === null) return <p className="muted" data-testid="zk-data-null">(no data)</p>;
  const bytes = base64ToBytes(dataBase64);
  const view = decodeForView(bytes, encoding);
  return (
    <div className="dataview">
      <div className="toolbar">
        {ENCODINGS.map((e) => (
          <button type="button" key={e} className={e === encoding ? "on" : undefined} onClick={() => setEncoding(e)} data-testid={`enc-${e}`}>
            {e}
          </button>
        ))}
        {truncated && (
          <span className="badge warn" data-testid="zk-truncated">
            truncated: showing {bytes.length} of {totalLength} bytes
          </span>
        )}
      </div>
      {view.error !== undefined && <p className="error">{view.error}</p>}
      <pre data-testid="zk-data">{view.text}</pre>
    </div>
  );
}
