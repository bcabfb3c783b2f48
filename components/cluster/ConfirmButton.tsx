"use client";
import { useState, type ReactNode } from "react";

/** Two-step button for destructive actions: the first click arms, the second confirms. */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled, title, testid, danger }: {
  label: string; confirmLabel: string; onConfirm: () => void; disabled: boolean; title?: string; testid: string; danger?: boolean;
}): ReactNode {
  const [armed, setArmed] = useState(false);
  if (!armed) {
    return <button type="button" className={danger ? "danger" : undefined} disabled={disabled} title={title} onClick={() => setArmed(true)} data-testid={testid}>{label}</button>;
  }
  return (
    <span className="toolbar">
      <button type="button" className="danger" onClick={() => { setArmed(false); onConfirm(); }} data-testid={`${testid}-confirm`}>{confirmLabel}</button>
      <button type="button" onClick={() => setArmed(false)} data-testid={`${testid}-abort`}>Cancel</button>
    </span>
  );
}
