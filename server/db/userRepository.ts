import type { PrismaClient } from "./createPrismaClient";
import type { User } from "./generated/prisma/client";

export type { User } from "./generated/prisma/client";

export interface UserRepository {
  count(): Promise<number>;
  findByUsername(username: string): Promise<User | null>;
  findById(id: number): Promise<User | null>;
  create(input: { username: string; passwordHash: string; role: string; mustChangePassword: boolean }): Promise<User>;
  list(): Promise<User[]>;
  /** Sets the hash; `mustChange` (an admin's reset) makes it a one-time password. */
  updatePassword(id: number, passwordHash: string, opts?: { mustChange?: boolean }): Promise<void>;
  updateRole(id: number, role: string): Promise<User>;
  /**
   * Changes role / disabled / canReadBodies, or deletes the user (`null`), in one transaction that
   * rolls back (returning "last-admin") when no enabled admin would be left: two admins demoting
   * each other at once cannot both succeed on SQLite, whose write transactions are serial.
   */
  changeKeepingAnAdmin(id: number, change: { role?: string; disabled?: boolean; canReadBodies?: boolean } | null): Promise<User | "last-admin">;
}

export function createUserRepository(prisma: PrismaClient): UserRepository {
  return {
    count: () => prisma.user.count(),
    findByUsername: (username) => prisma.user.findUnique({ where: { username } }),
    findById: (id) => prisma.user.findUnique({ where: { id } }),
    create: (input) => prisma.user.create({ data: input }),
    list: () => prisma.user.findMany({ orderBy: { username: "asc" } }),
    updatePassword: async (id, passwordHash, opts) => {
      await prisma.user.update({ where: { id }, data: { passwordHash, mustChangePassword: opts?.mustChange === true } });
    },
    updateRole: (id, role) => prisma.user.update({ where: { id }, data: { role } }),
    changeKeepingAnAdmin: (id, change) =>
      prisma
        .$transaction(async (tx) => {
          const before = await tx.user.findUniqueOrThrow({ where: { id } });
          const user = change === null ? await tx.user.delete({ where: { id } }) : await tx.user.update({ where: { id }, data: change });
          const wasEnabledAdmin = before.role === "admin" && !before.disabled;
          if (wasEnabledAdmin && (await tx.user.count({ where: { role: "admin", disabled: false } })) === 0) throw new LastAdmin();
          return user;
        })
        .catch((err: unknown) => {
          if (err instanceof LastAdmin) return "last-admin" as const;
          throw err;
        }),
  };
}

/** Rolls the transaction back: the change would leave no enabled admin. */
class LastAdmin extends Error {}
