import type { Metadata } from "next";
import { Suspense, type ReactNode } from "react";
import { DestinationsView } from "../../../components/destinations/DestinationsView";

export const metadata: Metadata = { title: "Destinations" };

export default function DestinationsPage(): ReactNode {
  // The view keeps its filters in the URL (useSearchParams): rendered on the client.
  return <Suspense><DestinationsView /></Suspense>;
}
