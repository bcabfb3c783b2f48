"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { DefinitionsPanel } from "./DefinitionsPanel";
import { useTRPC } from "./trpc";
import { useMe } from "./useMe";

type Role = "viewer" | "operator" | "admin";

/**
 * Users: create, change role, disable/enable, delete, reset a password, allow a viewer to read
 * message bodies. The server refuses what would leave no enabled admin and says why.
 */
export function UsersAdmin(): ReactNode {
  const trpc = useTRPC();
  const { can, me } = useMe();
  const queryClient = useQueryClient();
  const q = useQuery({ ...trpc.users.list.queryOptions(), enabled: can("users.list") });
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = {
    onSuccess: () => {
      setError(null);
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
    },
    onError: (err: { message: string }) => setError(err.message),
  };
  const create = useMutation(trpc.users.create.mutationOptions(done));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions(done));
  const setUserRole = useMutation(trpc.users.setRole.mutationOptions(done));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions(done));
  const remove = useMutation(trpc.users.delete.mutationOptions(done));
  const bodies = useMutation(trpc.users.setBodyAccess.mutationOptions(done));
  if (!can("users.list")) return <p className="notice">User management needs the admin role.</p>;
  return (
    <section>
      <h1>Users</h1>
      {error !== null && (
        <p className="error" data-testid="users-error">
          {error}
        </p>
      )}
      <table data-testid="users-table">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>State</th>
            <th title="Operators and admins always may; a viewer only when allowed here">Reads message bodies</th>
            <th>Password</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data?.map((u) => {
            const self = u.username === me?.username;
            return (
              <tr key={u.id} data-testid={`user-row-${u.username}`}>
                <td>{u.username}</td>
                <td>
                  <select
                    value={u.role}
                    disabled={self || !can("users.setRole")}
                    title={self ? "you cannot change your own role" : "their sessions end so the new role applies at once"}
                    onChange={(e) => setUserRole.mutate({ username: u.username, role: e.target.value as Role })}
                    data-testid={`user-role-${u.username}`}
                  >
                    <option value="viewer">viewer</option>
                    <option value="operator">operator</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td data-testid={`user-state-${u.username}`}>{u.disabled ? "disabled" : "enabled"}</td>
                <td>
                  <input
                    type="checkbox"
                    checked={u.canReadBodies}
                    disabled={u.role !== "viewer" || !can("users.setBodyAccess")}
                    title={u.role !== "viewer" ? `a ${u.role} always may` : "every body read is audited"}
                    onChange={(e) => bodies.mutate({ username: u.username, canReadBodies: e.target.checked })}
                    data-testid={`user-bodies-${u.username}`}
                  />
                </td>
                <td>{u.mustChangePassword ? "one-time (not yet replaced)" : "set"}</td>
                <td>
                  {!self && (
                    <>
                      <button
                        type="button"
                        disabled={!can("users.setDisabled")}
                        title={u.disabled ? "they can log in again" : "they cannot log in; their sessions end and their API tokens stop working"}
                        onClick={() => setDisabled.mutate({ username: u.username, disabled: !u.disabled })}
                        data-testid={`user-disable-${u.username}`}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                      <button
                        type="button"
                        disabled={!can("users.resetPassword") || reset.isPending}
                        data-testid={`user-reset-${u.username}`}
                        title="A new one-time password; every session of this user ends"
                        onClick={() => {
                          if (window.confirm(`Reset ${u.username}'s password? Their sessions end at once.`)) reset.mutate({ username: u.username });
                        }}
                      >
                        Reset password
                      </button>
                      {deleting === u.username ? (
                        <>
                          <button type="button" className="danger" onClick={() => remove.mutate({ username: u.username })} data-testid={`user-delete-confirm-${u.username}`}>
                            Delete {u.username} with their sessions and API tokens
                          </button>
                          <button type="button" onClick={() => setDeleting(null)}>
                            Cancel
                          </button>
                        </>
                      ) : (
                        <button type="button" className="danger" disabled={!can("users.delete")} onClick={() => setDeleting(u.username)} data-testid={`user-delete-${u.username}`}>
                          Delete…
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
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
      {can("definitions.import") && <DefinitionsPanel />}
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
