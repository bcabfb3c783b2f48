"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";

/**
 * useState whose value lives in the URL's query (?key=value): filters, sort, page, time range,
 * selection — so a link or a reload shows the same view. The default is left out of the URL.
 * The value is mirrored in local state so typing is never overtaken by the URL's round trip;
 * writes use history.replaceState (synchronous, integrated with Next's router, no new history
 * entry per keystroke), so several setters called in one handler all land.
 */
export function useUrlState<T extends string = string>(key: string, fallback: NoInfer<T>): [T, (v: T) => void] {
  const params = useSearchParams();
  const fromUrl = (params.get(key) ?? fallback) as T;
  const [value, setValue] = useState<T>(fromUrl);
  // Back/forward or a link changed the URL: follow it.
  useEffect(() => setValue(fromUrl), [fromUrl]);
  const set = useCallback((v: T): void => {
    setValue(v);
    const next = new URLSearchParams(window.location.search);
    if (v === fallback || v === "") next.delete(key);
    else next.set(key, v);
    const qs = next.toString();
    window.history.replaceState(null, "", qs ? `${window.location.pathname}?${qs}` : window.location.pathname);
  }, [key, fallback]);
  return [value, set];
}

/** A number kept in the URL (page offsets, sizes, time ranges). */
export function useUrlNumber(key: string, fallback: number): [number, (v: number) => void] {
  const [raw, setRaw] = useUrlState(key, String(fallback));
  const n = Number(raw);
  const set = useCallback((v: number): void => setRaw(String(v)), [setRaw]);
  return [Number.isFinite(n) ? n : fallback, set];
}
