import type { ReactNode } from 'react';
import { AppHeader } from './AppHeader';

/** A signed-in page: the header, then the page's title and introduction, then its content. */
export function AppLayout({
  title,
  intro,
  children,
}: {
  title: string;
  intro: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="app-shell">
      <AppHeader />
      <main className="home">
        <section className="home-hero">
          <div>
            <h1>{title}</h1>
            <p className="muted">{intro}</p>
          </div>
        </section>
        {children}
      </main>
    </div>
  );
}
