import type { ReactNode } from "react";
import { AuditTable } from "../../../components/AuditTable";

export default function AuditPage(): ReactNode {
  return <AuditTable />;
}
