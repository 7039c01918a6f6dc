import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { BrandLogo } from '../app/branding';

/** A full page that says one thing (an error, an ending) and offers what to do next. */
export function MessagePage({
  title,
  message,
  action,
}: {
  title: string;
  message: string;
  action: ReactNode;
}) {
  return (
    <div className="message-page">
      <main className="message-card">
        <BrandLogo size={44} />
        <h1>{title}</h1>
        <p className="muted">{message}</p>
        <div className="message-actions">{action}</div>
      </main>
    </div>
  );
}

/** The way out of a message page for someone who has nothing else to do there. */
export function HomeLink() {
  return (
    <Link to="/" className="btn btn-primary btn-md">
      Go to home screen
    </Link>
  );
}
