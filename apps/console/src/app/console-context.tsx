import { createContext, useContext } from 'react';
import { type ApiClient } from '../api/api-client';
import { type Session } from '../auth/session';

export interface ConsoleServices {
  api: ApiClient;
  session: Session;
  /** GET /api/v1/datavolumes/settings: false hides the data volume pages. */
  dataVolumesEnabled: boolean;
}

export const ConsoleContext = createContext<ConsoleServices | undefined>(undefined);

/** The API client, the session and the tenant's setting, for any page. */
export function useConsole(): ConsoleServices {
  const services = useContext(ConsoleContext);
  if (services === undefined) throw new Error('useConsole outside the console');
  return services;
}

export function useApi(): ApiClient {
  return useConsole().api;
}
