import { ApiError } from '../api/api-error';
import { useContext } from 'react';
import { ConsoleContext } from './console-context';

/** What a page shows instead of its content when the API refused or failed: 401, 403, 503 and the rest. */
export function ErrorState({ error }: { error: unknown }) {
  const services = useContext(ConsoleContext)?.session;
  const api = error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error));
  switch (api.kind) {
    case 'unauthenticated':
      return (
        <div className="state" role="alert" data-state="401">
          <p>Your sign-in has expired.</p>
          {services !== undefined && (
            <button type="button" onClick={() => void services.signIn(location.pathname.replace(import.meta.env.BASE_URL, '/'))}>
              Sign in again
            </button>
          )}
        </div>
      );
    case 'forbidden':
      return (
        <div className="state" role="alert" data-state="403">
          <p>You do not have permission to see this. Ask an administrator for a role that allows it.</p>
        </div>
      );
    case 'unavailable':
      return (
        <div className="state" role="alert" data-state="503">
          <p>The platform is unavailable. Please try again in a few minutes.</p>
        </div>
      );
    default:
      return (
        <div className="state" role="alert" data-state={String(api.status)}>
          <p>{api.message}</p>
        </div>
      );
  }
}
