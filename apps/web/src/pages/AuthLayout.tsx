import type { ReactNode } from 'react';
import { LogoMark } from '../ui/icons';

/** The centred card used by sign-in and first-run setup. */
export function AuthLayout({
  title,
  subtitle,
  wide = false,
  children,
}: {
  title: string;
  subtitle?: string;
  /** For a table rather than a form. */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="auth-page">
      <main className={wide ? 'auth-card auth-card-wide' : 'auth-card'}>
        <div className="auth-brand">
          <LogoMark size={40} />
          <span>Conclave</span>
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </main>
      <p className="auth-footer">Secure video meetings, hosted by your organisation.</p>
    </div>
  );
}
