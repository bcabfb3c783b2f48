"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { nextFromLocation } from "./returnTo";
import { useTRPC } from "./trpc";

export function LoginForm(): ReactNode {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (r) => {
        // Drop every cached answer (the shell cached "not signed in" before the redirect here):
        // the next page must ask again, or it would send the visitor straight back.
        queryClient.clear();
        // Back to the page the link pointed at (through the password change when one is due).
        const next = nextFromLocation();
        router.replace(r.mustChangePassword ? (next === "/" ? "/change-password" : `/change-password?next=${encodeURIComponent(next)}`) : next);
      },
    }),
  );
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    login.mutate({ username, password });
  };
  return (
    <form className="card" onSubmit={submit}>
      <h1>Tandem console</h1>
      <label>
        Username
        <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} data-testid="login-username" />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
      </label>
      {login.error && <p className="error" data-testid="login-error">{login.error.message}</p>}
      <button type="submit" disabled={login.isPending} data-testid="login-submit">
        Log in
      </button>
    </form>
  );
}
