import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { loadConsoleConfig } from './auth/console-config';
import { Session } from './auth/session';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

loadConsoleConfig()
  .then((config) =>
    root.render(
      <StrictMode>
        <App session={new Session(config)} />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) =>
    root.render(
      <main className="centered" role="alert" data-state="503">
        <h1>Data volumes console</h1>
        <p>The console cannot start: {error instanceof Error ? error.message : String(error)}</p>
      </main>,
    ),
  );
