/**
 * Where to go after signing in: the console page the visitor asked for (?next=…), kept across the
 * login and the one-time password change. Only same-origin paths are followed ("/x", never
 * "//host" or "https://…"), so a crafted link cannot send a fresh session elsewhere.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.startsWith("/login") || next.startsWith("/change-password")) return "/";
  return next;
}

/** The `next` parameter of the current browser URL (client only). */
export function nextFromLocation(): string {
  return safeNext(new URLSearchParams(window.location.search).get("next"));
}

/** `path` with ?next=<current page> (client only); the root needs no return address. */
export function withNext(path: string): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return here === "/" || safeNext(here) === "/" ? path : `${path}?next=${encodeURIComponent(here)}`;
}
