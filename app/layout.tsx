import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "../components/Providers";
import "./globals.css";

// Each page names itself ("Node mq1 · Tandem"): tabs and history entries tell pages apart.
export const metadata: Metadata = { title: { default: "Tandem console", template: "%s · Tandem" } };

export default function RootLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
