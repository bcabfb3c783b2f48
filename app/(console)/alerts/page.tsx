import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AlertsView } from "../../../components/alerts/AlertsView";

export const metadata: Metadata = { title: "Alerts" };

export default function AlertsPage(): ReactNode {
  return <AlertsView />;
}
