"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "./trpc";
import { useMe } from "./useMe";

type Role = "viewer" | "operator" | "admin";

export function UsersAdmin(): ReactNode {
  const trpc = useTRPC();
  const { can, me } = useMe();
  const q = useQuery({ ...trpc.users.list.queryOptions(), enabled: can("users.list") });
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: () => void q.refetch() }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: () => void q.refetch() }));
  if (!can("users.list")) return <p className="notice">User management needs the admin role.</p>;
  return (
    <section>
      <h1>Users</h1>
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Password</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data?.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.role}</td>
              <td>{u.mustChangePassword ? "one-time (not yet replaced)" : "set"}</td>
              <td>
                {u.username !== me?.username && (
                  <button type="button" disabled={!can("users.resetPassword") || reset.isPending} data-testid={`user-reset-${u.username}`}
                    title="A new one-time password; every session of this user ends"
                    onClick={() => { if (window.confirm(`Reset ${u.username}'s password? Their sessions end at once.`)) reset.mutate({ username: u.username }); }}>
                    Reset password
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset disabled={!can("users.create")}>
        <legend>New user</legend>
        <input placeholder="username" value={username} onChange={(e) => setUsername(e.target.value)} data-testid="user-name" />
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role">
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
        <button type="button" onClick={() => create.mutate({ username, role })} data-testid="user-create">
          Create
        </button>
      </fieldset>
      {create.error && <p className="error">{create.error.message}</p>}
      {reset.error && <p className="error">{reset.error.message}</p>}
      {reset.data && (
        <p className="notice">
          New one-time password for {reset.data.username} (shown once; their sessions have ended): <code data-testid="user-reset-otp">{reset.data.oneTimePassword}</code>
        </p>
      )}
      {create.data && (
        <p className="notice">
          One-time password for {create.data.username} (shown once): <code data-testid="user-otp">{create.data.oneTimePassword}</code>
        </p>
      )}
    </section>
  );
}
