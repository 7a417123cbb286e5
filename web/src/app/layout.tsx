import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { type ReactNode, useEffect, useRef } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { mayOpen, signedIn, useMe, useSignOut, type Area } from '../api/session.ts';
import { LoginPage } from '../identity/login.page.tsx';
import { ENDONYMS, LOCALES, isLocale } from '../i18n/locales.ts';
import { Loading, ErrorNotice } from '../ui/status.tsx';
import { areaOfPath, ForbiddenPage } from '../ui/page-state.tsx';
import { useLanguage } from './intl.tsx';
import { PUBLIC_PATHS } from './public-paths.ts';

type NavItem = { to: string; area: Area; label: string };

/** The navigation in groups, the same for every role (a role sees the items it may open, a group only with one of them). */
const NAV: { group: string; items: NavItem[] }[] = [
  {
    group: 'nav.group.overview',
    items: [
      { to: '/dashboard', area: 'dashboard', label: 'nav.dashboard' },
      { to: '/state-of-play', area: 'stateOfPlay', label: 'nav.stateOfPlay' },
    ],
  },
  {
    group: 'nav.group.cases',
    items: [
      { to: '/cases', area: 'cases', label: 'nav.cases' },
      { to: '/placement', area: 'placement', label: 'nav.placement' },
      { to: '/candidates', area: 'complementary', label: 'nav.candidates' },
      { to: '/family-reunification', area: 'complementary', label: 'nav.familyReunification' },
      { to: '/imports', area: 'imports', label: 'nav.imports' },
    ],
  },
  {
    group: 'nav.group.programmes',
    items: [
      { to: '/rounds', area: 'rounds', label: 'nav.rounds' },
      { to: '/programmes', area: 'programmes', label: 'nav.programmes' },
      { to: '/incentives', area: 'incentives', label: 'nav.incentives' },
      { to: '/sponsors', area: 'sponsorship', label: 'nav.sponsorship' },
      { to: '/sponsorships', area: 'sponsorships', label: 'nav.sponsorships' },
      { to: '/sponsor', area: 'sponsorPortal', label: 'nav.sponsorPortal' },
    ],
  },
  {
    group: 'nav.group.reports',
    items: [
      { to: '/returns', area: 'returns', label: 'nav.returns' },
      { to: '/federation', area: 'federation', label: 'nav.federation' },
      { to: '/statistics', area: 'statistics', label: 'nav.statistics' },
    ],
  },
  {
    group: 'nav.group.admin',
    items: [
      { to: '/users', area: 'users', label: 'nav.users' },
      { to: '/audit', area: 'audit', label: 'nav.audit' },
    ],
  },
];

/**
 * Every page's frame: a skip link, the header with the navigation the user's role may open, the
 * language switcher, the account menu; the sign-in in place of a page until someone is signed in
 * (public pages excepted); the footer with the accessibility statement. Focus moves to the new
 * page's title on navigation, and the document title follows it.
 */
export function Layout() {
  const intl = useIntl();
  const me = useMe();
  const signOut = useSignOut();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const isPublic = PUBLIC_PATHS.includes(path);
  // A page of an area the reader's role may not open is said so in the frame: nothing of the page is
  // shown (no form it could not use) and nothing is asked of the API.
  const area = areaOfPath(path);
  const first = useRef(true);

  // Runs when the page changes (the path), though it reads only the document.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is the trigger, not an input
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = document.getElementById('page-title');
    h1?.focus();
  }, [path]);

  useEffect(() => {
    const t = setTimeout(() => {
      const h1 = document.getElementById('page-title');
      document.title = h1?.textContent ? `${h1.textContent} — Pathways` : 'Pathways';
    }, 0);
    return () => clearTimeout(t);
  });

  const user = signedIn(me.data) ? me.data.user : null;
  let content: ReactNode;
  if (me.isPending) content = <Loading />;
  else if (me.isError) content = <ErrorNotice error={me.error} />;
  else if (!user && !isPublic) content = <LoginPage />;
  else if (user && area && !mayOpen(user, area)) content = <ForbiddenPage area={area} />;
  else content = <Outlet />;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        <FormattedMessage id="app.skipToContent" />
      </a>
      <header className="site-header">
        <div className="brand">
          <Link to="/dashboard" className="brand-link">
            <span className="brand-mark" aria-hidden="true">
              ★
            </span>{' '}
            Pathways
          </Link>
          <span className="brand-sub">
            <FormattedMessage id="app.tagline" />
          </span>
        </div>
        <div className="header-tools">
          <LanguageSwitcher />
          {user && (
            <div className="account">
              <Link to="/account" className="account-link">
                <span className="visually-hidden">
                  <FormattedMessage id="app.signedInAs" />{' '}
                </span>
                {user.username}
                <span className="role">
                  {' '}
                  · {intl.formatMessage({ id: `role.${user.role}` })}
                  {user.stateCode ? ` · ${user.stateCode}` : ''}
                </span>
              </Link>
              <button type="button" className="button-link" onClick={() => void signOut()}>
                <FormattedMessage id="app.signOut" />
              </button>
            </div>
          )}
        </div>
      </header>
      {user && (
        <nav className="site-nav" aria-label={intl.formatMessage({ id: 'nav.label' })}>
          <ul className="nav-groups">
            {NAV.map((g) => ({ ...g, items: g.items.filter((n) => mayOpen(user, n.area)) }))
              .filter((g) => g.items.length > 0)
              .map((g) => (
                <li key={g.group} className="nav-group">
                  <span className="nav-group-label" id={`nav-${g.group}`}>
                    <FormattedMessage id={g.group} />
                  </span>
                  <ul aria-labelledby={`nav-${g.group}`}>
                    {g.items.map((n) => (
                      <li key={n.to}>
                        <Link
                          to={n.to}
                          activeProps={{ 'aria-current': 'page', className: 'active' }}
                          activeOptions={{ exact: false, includeSearch: false }}
                        >
                          <FormattedMessage id={n.label} />
                        </Link>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {content}
      </main>
      <footer className="site-footer">
        <Link to="/accessibility">
          <FormattedMessage id="nav.accessibility" />
        </Link>
        <Link to="/open-data">
          <FormattedMessage id="openData.nav" />
        </Link>
        <span>
          <FormattedMessage id="app.footer" />
        </span>
      </footer>
    </div>
  );
}

function LanguageSwitcher() {
  const intl = useIntl();
  const { locale, setLocale } = useLanguage();
  return (
    <label className="language">
      <span className="visually-hidden">
        <FormattedMessage id="app.language" />
      </span>
      <select
        value={locale}
        onChange={(e) => isLocale(e.target.value) && setLocale(e.target.value)}
        aria-label={intl.formatMessage({ id: 'app.language' })}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {ENDONYMS[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
