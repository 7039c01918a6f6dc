import { createRoot } from 'react-dom/client';
import { BrowserRouter, type NavigateOptions, type To } from 'react-router';
import { App } from './app/App';
import { BrandingProvider } from './app/branding';
import { ScrollToTop } from './app/ScrollToTop';
import { SessionProvider } from './app/session';
import './styles/base.css';
import './styles/app.css';
import './styles/meeting.css';
import './styles/pages.css';
import './styles/e2ee.css';
import './styles/admin.css';
import './styles/calls.css';
import './styles/chat.css';
import './styles/recordings.css';
import './styles/room.css';
import './styles/calendar.css';

// Under <BrowserRouter>, navigate() returns nothing; only data routers return a promise. React Router's
// own advice: say so here, or every navigate() call would look like a promise nobody awaits.
declare module 'react-router' {
  interface NavigateFunction {
    (to: To, options?: NavigateOptions): void;
    (delta: number): void;
  }
}

// No StrictMode: its double-run effects would join and leave a meeting on every mount in development.
createRoot(document.getElementById('root') as HTMLElement).render(
  <BrowserRouter>
    <ScrollToTop />
    <BrandingProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </BrandingProvider>
  </BrowserRouter>,
);
