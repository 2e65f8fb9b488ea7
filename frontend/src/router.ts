// Paths in the address bar, so every screen can be bookmarked and reloaded (the server answers
// the UI's paths with index.html).

import { useEffect, useState } from 'preact/hooks';

export function navigate(path: string, replace = false) {
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event('pim:navigate'));
}

/** The current path and query; re-renders on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    window.addEventListener('popstate', update);
    window.addEventListener('pim:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('pim:navigate', update);
    };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** An onClick for in-app links: plain clicks navigate without reloading. */
export function follow(event: MouseEvent) {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? '/');
}
