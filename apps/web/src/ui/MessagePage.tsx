import type { ReactNode } from 'react';
import { LogoMark } from './icons';

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
        <LogoMark size={44} />
        <h1>{title}</h1>
        <p className="muted">{message}</p>
        <div className="message-actions">{action}</div>
      </main>
    </div>
  );
}
