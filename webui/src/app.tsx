import type { AppServices } from './app-context';
import { AppServicesProvider } from './app-context';
import { RouterProvider, useRouter, Link } from './routing/router';
import { LiveIndicator } from './components/live-indicator';
import { ThemeToggle } from './components/theme-toggle';
import { ExperimentsPage } from './pages/experiments-page';
import { ExperimentShell } from './pages/experiment-shell';
import { RankEvalPage } from './pages/rank-eval-page';

function Pages() {
  const { route } = useRouter();
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage />;
    case 'rank-eval':
      return <RankEvalPage />;
    case 'not-found':
      return <div className="page"><h2>Not found</h2><p>No page at <code>{route.path}</code>. <Link to="/">All experiments</Link></p></div>;
    default:
      return <ExperimentShell route={route} />;
  }
}

/** The app shell: header (home, live indicator, theme), then the page of the current address. */
export function App({ services }: { services: AppServices }) {
  return (
    <AppServicesProvider value={services}>
      <RouterProvider>
        <header className="topbar">
          <Link to="/" className="brand">nasctl</Link>
          <Link to="/rank-eval" className="toplink">Rank evaluation</Link>
          <span className="spacer" />
          <LiveIndicator />
          <ThemeToggle />
        </header>
        <main>
          <Pages />
        </main>
      </RouterProvider>
    </AppServicesProvider>
  );
}
