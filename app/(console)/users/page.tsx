import type { ReactNode } from "react";
import { UsersAdmin } from "../../../components/UsersAdmin";

export default function UsersPage(): ReactNode {
  return <UsersAdmin />;
}
