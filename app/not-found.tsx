import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ConsoleShell } from "../components/ConsoleShell";

export const metadata: Metadata = { title: "Not found" };

/** An unknown address still shows the console's navigation: the way back is one click. */
export default function NotFound(): ReactNode {
  return (
    <ConsoleShell>
      <section data-testid="not-found">
        <h1>Page not found</h1>
        <p>There is no console page at this address. Pick a page on the left, or go to the <Link href="/">Overview</Link>.</p>
      </section>
    </ConsoleShell>
  );
}
