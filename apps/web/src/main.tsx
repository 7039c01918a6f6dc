import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app/App';
import { ScrollToTop } from './app/ScrollToTop';
import { SessionProvider } from './app/session';
import './styles/base.css';
import './styles/app.css';
import './styles/meeting.css';

// No StrictMode: its double-run effects would join and leave a meeting on every mount in development.
createRoot(document.getElementById('root') as HTMLElement).render(
  <BrowserRouter>
    <ScrollToTop />
    <SessionProvider>
      <App />
    </SessionProvider>
  </BrowserRouter>,
);
