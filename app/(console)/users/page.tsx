import type { Metadata } from "next";
import type { ReactNode } from "react";
import { UsersAdmin } from "../../../components/UsersAdmin";

export const metadata: Metadata = { title: "Users" };

export default function UsersPage(): ReactNode {
  return <UsersAdmin />;
}
