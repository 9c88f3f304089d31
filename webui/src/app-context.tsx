import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from './api/api-client';
import type { LiveConnection } from './live/live-connection';

/** What every page needs: the REST client and the live connection. */
export interface AppServices {
  api: ApiClient;
  live: LiveConnection;
}

const Ctx = createContext<AppServices | null>(null);

/** Provides the services built by main.tsx to the page tree. */
export function AppServicesProvider({ value, children }: { value: AppServices; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The app's services; only below AppServicesProvider (throws otherwise). */
export function useServices(): AppServices {
  const v = useContext(Ctx);
  if (!v) throw new Error('useServices outside AppServicesProvider');
  return v;
}
