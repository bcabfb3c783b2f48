"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
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
        await queryClient.invalidateQueries();
        router.replace(r.mustChangePassword ? "/change-password" : "/");
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
