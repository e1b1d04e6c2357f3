// The shell: sign-in gate, header with the role's pages, and the page for the path.
import { useEffect, type ReactNode } from 'react';
import { Link, match, navigate, useLocation } from './router';
import { useSession } from './session';
import { SignInPage } from './pages/SignIn';
import { CasesPage } from './pages/Cases';
import { NewCasePage } from './pages/NewCase';
import { CasePage } from './pages/Case';
import { FreezeRequestPage } from './pages/FreezeRequest';
import { AlertsPage } from './pages/Alerts';
import { PartnerInboxPage, PartnerRequestPage } from './pages/Partner';
import { PartnersAdminPage } from './pages/PartnersAdmin';
import { KeysPage } from './pages/Keys';
import type { Role } from './types';

interface Route { pattern: string; roles: Role[]; title: string; render: (p: Record<string, string>) => ReactNode }

const ROUTES: Route[] = [
  { pattern: '/cases', roles: ['analyst', 'supervisor'], title: 'Cases', render: () => <CasesPage /> },
  { pattern: '/cases/new', roles: ['analyst'], title: 'New case', render: () => <NewCasePage /> },
  { pattern: '/cases/:id', roles: ['analyst', 'supervisor'], title: 'Case', render: (p) => <CasePage id={p.id!} tab="report" /> },
  { pattern: '/cases/:id/:tab', roles: ['analyst', 'supervisor'], title: 'Case', render: (p) => <CasePage id={p.id!} tab={p.tab!} /> },
  { pattern: '/freeze-requests/:id', roles: ['analyst', 'supervisor'], title: 'Freeze request', render: (p) => <FreezeRequestPage id={p.id!} /> },
  { pattern: '/alerts', roles: ['analyst', 'supervisor'], title: 'Alerts', render: () => <AlertsPage /> },
  { pattern: '/partner', roles: ['partner'], title: 'Requests to you', render: () => <PartnerInboxPage /> },
  { pattern: '/partner/requests/:id', roles: ['partner'], title: 'Freeze request', render: (p) => <PartnerRequestPage id={p.id!} /> },
  { pattern: '/manage/partners', roles: ['admin', 'analyst', 'supervisor'], title: 'Partners', render: () => <PartnersAdminPage /> },
  { pattern: '/manage/keys', roles: ['admin'], title: 'API keys', render: () => <KeysPage /> },
];

const NAV: { to: string; label: string; roles: Role[] }[] = [
  { to: '/cases', label: 'Cases', roles: ['analyst', 'supervisor'] },
  { to: '/alerts', label: 'Alerts', roles: ['analyst', 'supervisor'] },
  { to: '/manage/partners', label: 'Partners', roles: ['admin', 'analyst', 'supervisor'] },
  { to: '/manage/keys', label: 'API keys', roles: ['admin'] },
  { to: '/partner', label: 'Requests to you', roles: ['partner'] },
];

export function homeOf(role: Role): string {
  return role === 'partner' ? '/partner' : role === 'admin' ? '/manage/partners' : '/cases';
}

export function App() {
  const { session, loading, signOut } = useSession();
  const { path } = useLocation();

  const found = ROUTES.map((r) => ({ r, params: match(r.pattern, path) })).find((x) => x.params);
  useEffect(() => {
    document.title = `${found?.r.title ?? 'tracehold'} · tracehold workbench`;
  }, [found?.r.title]);
  useEffect(() => {
    if (session && (path === '/' || path === '/sign-in')) navigate(homeOf(session.role), true);
  }, [session, path]);

  if (loading) return <main id="main" className="page"><p role="status">Signing in…</p></main>;
  if (!session) return <SignInPage />;

  let content: ReactNode;
  if (!found) content = <NotFound />;
  else if (!found.r.roles.includes(session.role)) content = <p className="error" role="alert">This page is not for a {session.role} key.</p>;
  else content = found.r.render(found.params!);

  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <Link to={homeOf(session.role)} className="brand">
          <span className="logo" aria-hidden="true">◆</span> tracehold <span className="muted">workbench</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => n.roles.includes(session.role)).map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={path === n.to || path.startsWith(n.to + '/') ? 'page' : undefined}>{n.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{session.name}</span> <span className={`badge badge-role`}>{session.role}</span>
          <button type="button" className="link" onClick={() => { signOut(); navigate('/', true); }}>Sign out</button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>{content}</main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p><Link to="/">Back to the start</Link></p>
    </section>
  );
}
