import { createContext, useCallback, useContext, useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { parseRoute, routePath, type Route } from './route';

interface RouterValue {
  route: Route;
  /** Query string of the current address (without '?'), e.g. table filters. */
  search: string;
  navigate(to: string, opts?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterValue | null>(null);

/** `to` resolved against the page, keeping its `?token=` (a non-loopback daemon needs it on every address). */
function withToken(to: string): URL {
  const url = new URL(to, window.location.href);
  const token = new URLSearchParams(window.location.search).get('token');
  if (token && !url.searchParams.has('token')) url.searchParams.set('token', token);
  return url;
}

/**
 * History-API router around the app: the address is the state (shareable URLs). Mounted once by
 * the app shell. Client-side navigation uses pushState; back/forward re-render via popstate.
 */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState(() => ({ path: window.location.pathname, search: window.location.search.slice(1) }));
  useEffect(() => {
    const onPop = () => setLoc({ path: window.location.pathname, search: window.location.search.slice(1) });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, opts?: { replace?: boolean }) => {
    const url = withToken(to);
    const target = url.pathname + url.search;
    if (opts?.replace) window.history.replaceState(null, '', target);
    else window.history.pushState(null, '', target);
    setLoc({ path: url.pathname, search: url.search.slice(1) });
  }, []);
  const value: RouterValue = { route: parseRoute(loc.path), search: loc.search, navigate };
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

/** The current route and navigation; only inside RouterProvider (throws otherwise). */
export function useRouter(): RouterValue {
  const v = useContext(RouterContext);
  if (!v) throw new Error('useRouter outside RouterProvider');
  return v;
}

/** An in-app link: a real <a href> (open in new tab works) that navigates without reloading. */
export function Link({ to, children, className, title }: { to: Route | string; children: ReactNode; className?: string; title?: string }) {
  const { navigate } = useRouter();
  const url = withToken(typeof to === 'string' ? to : routePath(to));
  const href = url.pathname + url.search;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} className={className} title={title}>{children}</a>;
}
