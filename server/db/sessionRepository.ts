import type { PrismaClient } from "./createPrismaClient";
import type { Session, User } from "./generated/prisma/client";

export interface SessionRepository {
  create(input: { tokenHash: string; userId: number; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<Session>;
  /** The session with its user, only while unexpired. */
  findLive(tokenHash: string, now: Date): Promise<(Session & { user: User }) | null>;
  deleteByTokenHash(tokenHash: string): Promise<void>;
  /** Ends the user's sessions, except the one with `keepTokenHash`; returns how many ended. */
  deleteForUser(userId: number, keepTokenHash?: string): Promise<number>;
  deleteExpired(now: Date): Promise<number>;
}

export function createSessionRepository(prisma: PrismaClient): SessionRepository {
  return {
    create: (input) => prisma.session.create({ data: input }),
    findLive: (tokenHash, now) =>
      prisma.session.findFirst({ where: { tokenHash, expiresAt: { gt: now } }, include: { user: true } }),
    deleteByTokenHash: async (tokenHash) => {
      await prisma.session.deleteMany({ where: { tokenHash } });
    },
    deleteForUser: async (userId, keepTokenHash) =>
      (await prisma.session.deleteMany({ where: { userId, ...(keepTokenHash === undefined ? {} : { tokenHash: { not: keepTokenHash } }) } })).count,
    deleteExpired: async (now) => (await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } })).count,
  };
}
