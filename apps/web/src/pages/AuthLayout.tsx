import type { ReactNode } from 'react';
import { BrandLogo, useBranding } from '../app/branding';

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
  const logoUrl = useBranding().branding?.logoUrl;
  return (
    <div className="auth-page">
      <main className={wide ? 'auth-card auth-card-wide' : 'auth-card'}>
        <div className="auth-brand">
          <BrandLogo size={40} />
          {/* An organisation's own logo stands for it; the product's name is for the product's mark. */}
          {!logoUrl && <span>Conclave</span>}
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </main>
      <p className="auth-footer">Secure video meetings, hosted by your organisation.</p>
    </div>
  );
}
