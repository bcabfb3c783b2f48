import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The console server (server/main.ts) owns Prisma; should a server component ever import it,
  // these must stay native Node modules rather than be bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/client"],
  poweredByHeader: false,
  typescript: {
    // `next build` type-checks only what the UI compiles (app/, components/ and what they import),
    // not the whole repository: the broker runtime is checked by `npm run typecheck`.
    tsconfigPath: "app/tsconfig.json",
  },
  reactStrictMode: true,
};

export default nextConfig;
