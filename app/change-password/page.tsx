import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ChangePasswordForm } from "../../components/ChangePasswordForm";

export const metadata: Metadata = { title: "Change password" };

export default function ChangePasswordPage(): ReactNode {
  return (
    <div className="center">
      <ChangePasswordForm />
    </div>
  );
}
