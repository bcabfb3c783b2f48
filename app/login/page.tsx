import type { Metadata } from "next";
import type { ReactNode } from "react";
import { LoginForm } from "../../components/LoginForm";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage(): ReactNode {
  return (
    <div className="center">
      <LoginForm />
    </div>
  );
}
