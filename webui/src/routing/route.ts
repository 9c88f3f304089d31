/** The pages of the UI, each with its own shareable address. */
export type Route =
  | { page: 'experiments' }
  | { page: 'overview'; experimentId: string }
  | { page: 'trials'; experimentId: string }
  | { page: 'trial'; experimentId: string; trialId: string }
  | { page: 'charts'; experimentId: string }
  | { page: 'supernet'; experimentId: string }
  | { page: 'rank-eval' }
  | { page: 'not-found'; path: string };

/** Parses a page path (location.pathname) into a Route; pure. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'experiments' };
  if (parts.length === 1 && parts[0] === 'rank-eval') return { page: 'rank-eval' };
  if (parts[0] !== 'experiments') return { page: 'not-found', path: pathname };
  if (parts.length === 1) return { page: 'experiments' };
  const experimentId = parts[1];
  const tab = parts[2] ?? 'overview';
  if (parts.length <= 3) {
    if (tab === 'overview') return { page: 'overview', experimentId };
    if (tab === 'trials') return { page: 'trials', experimentId };
    if (tab === 'charts') return { page: 'charts', experimentId };
    if (tab === 'supernet') return { page: 'supernet', experimentId };
  }
  if (parts.length === 4 && tab === 'trials') return { page: 'trial', experimentId, trialId: parts[3] };
  return { page: 'not-found', path: pathname };
}

/** The path of a Route (inverse of parseRoute); pure. */
export function routePath(route: Route): string {
  const e = (s: string) => encodeURIComponent(s);
  switch (route.page) {
    case 'experiments': return '/';
    case 'overview': return `/experiments/${e(route.experimentId)}/overview`;
    case 'trials': return `/experiments/${e(route.experimentId)}/trials`;
    case 'trial': return `/experiments/${e(route.experimentId)}/trials/${e(route.trialId)}`;
    case 'charts': return `/experiments/${e(route.experimentId)}/charts`;
    case 'supernet': return `/experiments/${e(route.experimentId)}/supernet`;
    case 'rank-eval': return '/rank-eval';
    case 'not-found': return route.path;
  }
}
