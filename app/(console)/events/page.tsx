import type { Metadata } from "next";
import { Suspense, type ReactNode } from "react";
import { EventsView } from "../../../components/cluster/EventsView";

export const metadata: Metadata = { title: "Events" };

export default function EventsPage(): ReactNode {
  // The view reads its filters from the URL (useSearchParams): rendered on the client.
  return <Suspense><EventsView /></Suspense>;
}
