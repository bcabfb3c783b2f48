import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "../components/Providers";
import "./globals.css";

export const metadata: Metadata = { title: "Tandem console" };

export default function RootLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
