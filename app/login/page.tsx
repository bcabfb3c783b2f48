import type { ReactNode } from "react";
import { LoginForm } from "../../components/LoginForm";

export default function LoginPage(): ReactNode {
  return (
    <div className="center">
      <LoginForm />
    </div>
  );
}
