import type { PrismaClient } from "./createPrismaClient";
import type { ApiToken, User } from "./generated/prisma/client";

export type ApiTokenSummary = Pick<ApiToken, "id" | "name" | "role" | "createdAt" | "expiresAt" | "lastUsedAt" | "revokedAt">;

export interface ApiTokenRepository {
  create(input: { name: string; tokenHash: string; role: string; userId: number; expiresAt: Date | null }): Promise<ApiTokenSummary>;
  /** An unrevoked, unexpired token with its owner. */
  findLive(tokenHash: string, now: Date): Promise<(ApiToken & { user: User }) | null>;
  touch(id: number, now: Date): Promise<void>;
  listForUser(userId: number): Promise<ApiTokenSummary[]>;
  revoke(id: number, userId: number, now: Date): Promise<boolean>;
}

const summary = { id: true, name: true, role: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true } as const;

export function createApiTokenRepository(prisma: PrismaClient): ApiTokenRepository {
  return {
    create: (input) => prisma.apiToken.create({ data: input, select: summary }),
    findLive: (tokenHash, now) =>
      prisma.apiToken.findFirst({
        where: { tokenHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        include: { user: true },
      }),
    touch: async (id, now) => {
      await prisma.apiToken.update({ where: { id }, data: { lastUsedAt: now } });
    },
    listForUser: (userId) => prisma.apiToken.findMany({ where: { userId }, select: summary, orderBy: { createdAt: "desc" } }),
    revoke: async (id, userId, now) =>
      (await prisma.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now } })).count === 1,
  };
}
