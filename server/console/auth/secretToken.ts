import { createHash, randomBytes } from "node:crypto";

/** A bearer secret (session cookie value or API token): 32 random bytes, base64url. */
export function generateSecretToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/**
 * Only this hash is stored. A plain sha256 is enough here (unlike passwords): the input has 256
 * bits of entropy, so there is nothing to brute-force.
 */
export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
