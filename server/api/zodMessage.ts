/**
 * Validation failures as sentences an operator reads ("Name must be at most 128 characters."),
 * never a JSON dump of zod's issues. The issues themselves still travel in the error's
 * data.zodIssues for a form that marks fields.
 */
export interface IssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  expected?: string;
  values?: ReadonlyArray<unknown>;
  format?: string;
  input?: unknown;
}

/** "confirmName" → "Confirm name"; "limits.maxBytes" → "Limits max bytes"; [] → "The input". */
function fieldName(path: ReadonlyArray<PropertyKey>): string {
  const parts = path.filter((p) => typeof p !== "number").map(String);
  if (parts.length === 0) return path.length > 0 ? `Item ${String(path[path.length - 1])}` : "The input";
  const words = parts.join(" ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[._-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const UNIT: Record<string, string> = { string: "character", array: "item", set: "item", file: "byte" };

function bound(i: IssueLike, word: "least" | "most"): string {
  const n = Number(word === "least" ? i.minimum : i.maximum);
  const unit = i.origin ? UNIT[i.origin] : undefined;
  if (unit) return `must have at ${word} ${n} ${unit}${n === 1 ? "" : "s"}`;
  if (i.inclusive === false) return `must be ${word === "least" ? "greater" : "less"} than ${n}`;
  return `must be at ${word} ${n}`;
}

function sentence(i: IssueLike): string {
  switch (i.code) {
    case "too_small":
      return i.origin === "string" && Number(i.minimum) === 1 ? "must not be empty" : bound(i, "least");
    case "too_big":
      return bound(i, "most");
    case "invalid_type":
      if (/received undefined/.test(i.message)) return "is required";
      return i.expected === "int" ? "must be a whole number" : `must be ${/^[aeiou]/.test(i.expected ?? "") ? "an" : "a"} ${i.expected ?? "value of another type"}`;
    case "invalid_value":
      return i.values && i.values.length > 0 ? `must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}` : "has a value that is not allowed";
    case "invalid_format":
      return i.format === "regex" ? "has characters or a form that is not allowed" : `must be a valid ${i.format ?? "value"}`;
    case "unrecognized_keys":
      return `has unknown fields (${i.message.replace(/^.*?:\s*/, "")})`;
    default:
      return "is not valid";
  }
}

export function zodMessage(issues: ReadonlyArray<IssueLike>): string {
  if (issues.length === 0) return "The input is not valid.";
  const seen = new Set<string>();
  const out: string[] = [];
  for (const i of issues) {
    // Custom refinements carry their own wording: kept as written, after the field's name.
    const text = i.code === "custom" && i.message ? `${fieldName(i.path)}: ${i.message}` : `${fieldName(i.path)} ${sentence(i)}`;
    const s = text.replace(/[.\s]+$/, "") + ".";
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out.join(" ");
}
