/** ?severity= as the search's list: known severities only, none meaning no filter. */
export function severityFilter(value: string): Array<"critical" | "warning" | "info"> | undefined {
  const known = value.split(",").filter((s): s is "critical" | "warning" | "info" => s === "critical" || s === "warning" || s === "info");
  return known.length > 0 ? [...new Set(known)] : undefined;
}
