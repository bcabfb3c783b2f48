"use client";
import { useState, type ReactNode } from "react";

/**
 * A destructive action's dialog: the operator types the destination's name to enable the
 * button. The server checks the same typed name again (purge/delete confirmName).
 */
export function ConfirmByName({
  name,
  action,
  detail,
  busy,
  error,
  onConfirm,
  onCancel,
  testId,
}: {
  name: string;
  action: string;
  detail: string;
  busy: boolean;
  error: string | null;
  onConfirm: (typed: string) => void;
  onCancel: () => void;
  testId: string;
}): ReactNode {
  const [typed, setTyped] = useState("");
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={`${action} ${name}`} data-testid={testId}>
        <h2>
          {action} {name}
        </h2>
        <p>{detail}</p>
        <label>
          Type the destination name to confirm
          <input value={typed} onChange={(e) => setTyped(e.target.value)} data-testid={`${testId}-input`} autoFocus spellCheck={false} />
        </label>
        {error !== null && <p className="error" data-testid={`${testId}-error`}>{error}</p>}
        <div className="toolbar">
          <button type="button" className="danger" disabled={typed !== name || busy} onClick={() => onConfirm(typed)} data-testid={`${testId}-confirm`}>
            {busy ? "Working…" : action}
          </button>
          <button type="button" onClick={onCancel} data-testid={`${testId}-cancel`}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
