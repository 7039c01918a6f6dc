import { useLayoutEffect } from 'react';
import { useLocation, useNavigationType } from 'react-router';

/** A page navigated to starts at its top; back and forward leave the browser's own scroll restoration alone. */
export function ScrollToTop() {
  const { pathname } = useLocation();
  const type = useNavigationType();
  useLayoutEffect(() => {
    if (type !== 'POP') window.scrollTo(0, 0);
  }, [pathname, type]);
  return null;
}
