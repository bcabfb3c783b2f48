// Password hashes for the cluster file's `users` (no plaintext anywhere). Format:
//
//   scrypt$<N>$<r>$<p>$<salt, base64>$<derived key, base64>
//
// e.g. scrypt$16384$8$1$3q2+7w…$Zm9v… — N (CPU/memory cost, a power of two), r (block size)
// and p (parallelism) are the RFC 7914 parameters. They travel with the hash so an operator can
// raise them later without invalidating existing users.
//
// Cost: a check takes 30-100 ms of CPU at N=16384. The broker verifies with verifyPassword (the
// libuv pool, never the event loop) and SecurityAccess caches successful checks (as an HMAC,
// never the password) so that only unknown or wrong credentials pay the full cost.
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

/** Parses a hash string; null when it is not one we produce or accept. */
export function parsePasswordHash(text: string): ParsedHash | null {
  const parts = text.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Bounds keep a hostile or mistyped cluster file from making one login cost gigabytes.
  if (!Number.isInteger(N) || N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0) return null;
  if (!Number.isInteger(r) || r < 1 || r > 32) return null;
  if (!Number.isInteger(p) || p < 1 || p > 16) return null;
  if (!B64.test(parts[4]) || !B64.test(parts[5])) return null;
  const salt = Buffer.from(parts[4], "base64");
  const key = Buffer.from(parts[5], "base64");
  if (salt.length < 8 || key.length < 16 || key.length > 128) return null;
  return { N, r, p, salt, key };
}

export function isPasswordHash(text: string): boolean {
  return parsePasswordHash(text) !== null;
}

function maxmem(p: ScryptParams): number {
  return 128 * p.N * p.r * p.p * 2 + 1024 * 1024;
}

/** Hashes a password into the cluster-file format (async: runs on the libuv pool). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const probe = `scrypt$${params.N}$${params.r}$${params.p}$${Buffer.alloc(SALT_BYTES).toString("base64")}$${Buffer.alloc(KEY_BYTES).toString("base64")}`;
  if (!isPasswordHash(probe)) throw new Error(`scrypt parameters out of the accepted range: N=${params.N} r=${params.r} p=${params.p}`);
  const salt = randomBytes(SALT_BYTES);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { ...params, maxmem: maxmem(params) }, (err, k) => (err ? reject(err) : resolve(k))),
  );
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Constant-time check of `password` against a hash string; false for a malformed hash. */
export function verifyPasswordSync(password: string, hash: string): boolean {
  const parsed = parsePasswordHash(hash);
  if (!parsed) return false;
  const key = scryptSync(password, parsed.salt, parsed.key.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
    maxmem: maxmem(parsed),
  });
  return timingSafeEqual(key, parsed.key);
}

/**
 * Constant-time check of `password` against a hash string on the libuv thread pool: the event
 * loop (every other connection, heart-beat and replication ack) keeps running meanwhile.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (!parsed) return false;
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, parsed.salt, parsed.key.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: maxmem(parsed) }, (err, k) =>
      err ? reject(err) : resolve(k),
    ),
  );
  return timingSafeEqual(key, parsed.key);
}
