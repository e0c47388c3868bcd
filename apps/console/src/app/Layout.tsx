import { type MouseEvent, type ReactNode } from 'react';
import { useConsole } from './console-context';
import { type PageEntry } from './pages';
import { hrefOf, navigate } from './router';

function NavLink({ page, current }: { page: PageEntry; current: boolean }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain click stays in the page; a modified one (new tab) keeps the browser's behaviour.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(page.path);
  };
  return (
    <a href={hrefOf(page.path)} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {page.title}
    </a>
  );
}

/** The frame of every page: the header with who is signed in, the navigation, the page. */
export function Layout({ pages, path, children }: { pages: readonly PageEntry[]; path: string; children: ReactNode }) {
  const { session, dataVolumesEnabled } = useConsole();
  const shown = pages.filter((p) => p.nav !== false && (p.dataVolumes !== true || dataVolumesEnabled));
  return (
    <div className="layout">
      <header className="top">
        <span className="brand">Data volumes console</span>
        <span className="who" data-testid="signed-in-as">
          {session.displayName}
        </span>
        <button type="button" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Pages" className="side">
        <ul>
          {shown.map((page) => (
            <li key={page.path}>
              <NavLink page={page} current={path === page.path || path.startsWith(`${page.path}/`)} />
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
