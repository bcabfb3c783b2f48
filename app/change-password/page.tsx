import type { ReactNode } from "react";
import { ChangePasswordForm } from "../../components/ChangePasswordForm";

export default function ChangePasswordPage(): ReactNode {
  return (
    <div className="center">
      <ChangePasswordForm />
    </div>
  );
}
