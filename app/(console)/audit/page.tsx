import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AuditTable } from "../../../components/AuditTable";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage(): ReactNode {
  return <AuditTable />;
}
