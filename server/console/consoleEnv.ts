import { z } from "zod";

/**
 * The console's environment, validated once at the composition root (t3 `env.ts` style): nothing
 * else in the console reads process.env, so every setting is visible here with its default.
 */
const envSchema = z.object({
  TANDEM_CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8161),
  TANDEM_CONSOLE_HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .default("file:./data/console.db")
    // file:<path> → SQLite (relative to the working directory); postgresql://… → PostgreSQL
    // (server/db/databaseTarget.ts decodes it).
    .refine((u) => u.startsWith("file:") || /^postgres(ql)?:\/\//.test(u), "DATABASE_URL must be file:<path> or postgresql://..."),
  /** ZooKeeper connect string for the explorer ("host:port,host:port[/chroot]"); unset = none. */
  TANDEM_ZK: z.string().min(1).optional(),
  /** Set when a TLS-terminating proxy serves the console: cookies get the Secure flag. */
  TANDEM_CONSOLE_SECURE_COOKIES: z.enum(["auto", "always", "never"]).default("auto"),
  /** The console's URL as operators reach it (behind a proxy): alert notifications link here. Default: the listen address. */
  TANDEM_CONSOLE_EXTERNAL_URL: z.string().url().optional(),
  /**
   * Further names the console is reached under (comma-separated): "name" for any port (a reverse
   * proxy's name), "name:port" for one. Requests with any other Host are refused (DNS rebinding).
   */
  TANDEM_CONSOLE_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((x) => x.trim()).filter((x) => x !== "")),
  TANDEM_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type ConsoleEnv = z.infer<typeof envSchema>;

/** Settings given as command-line flags (`tandem console --host … --port …`); they win over the environment. */
export type ConsoleFlags = Partial<Record<keyof ConsoleEnv, string>>;

/**
 * The console's options, built once at the composition root from the environment and the
 * command line's flags and validated together; nothing writes them back into process.env.
 * Throws one error listing every invalid setting.
 */
export function loadConsoleEnv(env: NodeJS.ProcessEnv, flags: ConsoleFlags = {}): ConsoleEnv {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = envSchema.safeParse({ ...env, ...given });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid console environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
