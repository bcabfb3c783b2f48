import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { clusterSchema, type ClusterConfig } from "./clusterSchema";

/** A cluster file that cannot be used; `issues` name each bad field and why. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(`invalid cluster file ${source}:\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return "(root)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

/** Validates an already-parsed document; throws ConfigError naming every bad field. */
export function parseClusterConfig(doc: unknown, source = "<inline>"): ClusterConfig {
  const result = clusterSchema.safeParse(doc ?? {});
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return result.data;
}

/** Reads and validates a YAML cluster file. */
export async function loadClusterFile(file: string): Promise<ClusterConfig> {
  const text = await readFile(file, "utf8");
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(file, [{ path: "(yaml)", message: (err as Error).message }]);
  }
  return parseClusterConfig(doc, file);
}
