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
  };
}
