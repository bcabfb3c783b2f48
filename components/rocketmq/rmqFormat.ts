/** RocketMQ's topic permission bits as words (PermName: 4 read, 2 write, 1 inherit). */
export function permText(perm: number): string {
  const read = (perm & 4) !== 0;
  const write = (perm & 2) !== 0;
  const base = read && write ? "read/write" : read ? "read only" : write ? "write only" : "no access";
  return (perm & 1) !== 0 ? `${base}, inherit` : base;
}

/** A heartbeat age as people read it. */
export function agoText(ms: number): string {
  if (ms < 1000) return "just now";
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60_000)} min ago`;
}

/** `datetime-local` input value (local time, minutes) → ms since the epoch; null when empty or invalid. */
export function localInputToMs(value: string): number | null {
  if (value.trim() === "") return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}
