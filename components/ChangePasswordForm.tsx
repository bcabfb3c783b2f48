"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTRPC } from "./trpc";
import { nextFromLocation } from "./returnTo";

/** Replaces a one-time (or any) password; required before the console opens. */
export function ChangePasswordForm(): ReactNode {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: async () => {
        // Drop every cached answer (the shell cached "not signed in" before the redirect here):
        // the next page must ask again, or it would send the visitor straight back.
        queryClient.clear();
        router.replace(nextFromLocation());
      },
    }),
  );
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    change.mutate({ currentPassword: current, newPassword: next });
  };
  return (
    <form className="card" onSubmit={submit}>
      <h1>Choose your password</h1>
      <p className="muted">At least 12 characters. Your other sessions end; this one stays.</p>
      <label>
        Current password
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="pw-current" />
      </label>
      <label>
        New password
        <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="pw-new" />
      </label>
      {change.error && <p className="error" data-testid="pw-error">{change.error.message}</p>}
      <button type="submit" disabled={change.isPending} data-testid="pw-submit">
        Save
      </button>
    </form>
  );
}
