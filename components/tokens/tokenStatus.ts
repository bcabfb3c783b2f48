/** What a token row says about itself: revoked wins over expired, which wins over active. */
export function tokenStatus(t: { expiresAt: Date | null; revokedAt: Date | null }, now: Date): "revoked" | "expired" | "active" {
  if (t.revokedAt !== null) return "revoked";
  if (t.expiresAt !== null && t.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}
