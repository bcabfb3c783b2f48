import { randomBytes } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const ADMIN_TOKEN_FILE = "admin.token";

/**
 * The admin API's bearer token: the configured one, else the token a previous run generated
 * (so the console keeps working across restarts), else a new random one. It is written to
 * <dataDir>/admin.token with mode 0600 either way, so a local operator or supervisor can read
 * it and nobody else on the host can.
 */
export async function resolveAdminToken(dataDir: string, configured: string | undefined): Promise<string> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  let token = configured;
  if (!token) {
    const previous = await readFile(file, "utf8").catch(() => "");
    token = /^[A-Za-z0-9_-]{32,}$/.test(previous.trim()) ? previous.trim() : randomBytes(32).toString("base64url");
  }
  await writeFile(file, token + "\n", { mode: 0o600 });
  // writeFile's mode only applies when it creates the file.
  await chmod(file, 0o600);
  return token;
}
