// The app's frame: who is signed in, the catalog structure, the header with navigation and the
// language, locale and channel switches, and which screen the path shows.

import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { request, setCsrf, whenSignedOut } from './api/client';
import { ME, SIGN_OUT, STRUCTURE, type Me, type Structure } from './api/ops';
import { CatalogContext, type Catalog } from './catalog';
import { LANGUAGES, language, setLanguage, t, type Language } from './i18n';
import { follow, navigate, useLocation } from './router';
import { Grid } from './screens/Grid';
import { Exports } from './screens/Exports';
import { Imports } from './screens/Imports';
import { ModelPage } from './screens/ModelPage';
import { ProductPage } from './screens/ProductPage';
import { Quality } from './screens/Quality';
import { SignIn } from './screens/SignIn';
import { Settings } from './settings/Settings';
import './styles.css';

function LanguageSwitch({ onChange }: { onChange: (lang: Language) => void }) {
  return (
    <label class="inline">
      <span>{t('lang.label')}</span>
      <select value={language()} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as Language)}>
        {LANGUAGES.map((l) => (
          <option value={l.code} key={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

const EMPTY_STRUCTURE: Structure = {
  locales: [], currencies: [], channels: [], attributeGroups: [], attributes: [], families: [], categories: [], associationTypes: [],
};

/** Screens each role may open; the first is where signing in leads. */
function sectionsOf(role: string): string[] {
  if (role === 'SUPPLIER') return ['imports'];
  if (role === 'ADMIN' || role === 'CATALOG_MANAGER') return ['products', 'quality', 'imports', 'exports', 'settings'];
  return ['products', 'quality', 'settings'];
}

function pref(name: string, fallback: string): string {
  return localStorage.getItem(`pim.${name}`) ?? fallback;
}

function App() {
  const [, setLang] = useState(language());
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [structure, setStructure] = useState<Structure | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [locale, setLocaleState] = useState(pref('locale', 'en_US'));
  const [channel, setChannelState] = useState(pref('channel', ''));
  const { path } = useLocation();

  const changeLanguage = (lang: Language) => {
    setLanguage(lang);
    setLang(lang);
  };

  const loadStructure = useCallback(async () => {
    // A supplier account may read nothing of the catalog but its own imports.
    const s = me?.role === 'SUPPLIER' ? EMPTY_STRUCTURE : await request<Structure>(STRUCTURE);
    setStructure(s);
  }, [me]);

  useEffect(() => {
    document.documentElement.lang = language();
    whenSignedOut(() => {
      setCsrf(null);
      setMe(null);
    });
    request<{ me: Me | null }>(ME)
      .then((d) => {
        if (d.me?.csrfToken) setCsrf(d.me.csrfToken);
        setMe(d.me);
      })
      .catch(() => {
        setCsrf(null);
        setMe(null);
      });
  }, []);

  useEffect(() => {
    if (me) loadStructure().catch((e: Error) => setError(e.message));
  }, [me, loadStructure]);

  useEffect(() => {
    if (!structure) return;
    const channels = structure.channels;
    // The first time, the channel with the most locales: the broadest view of the catalog.
    const widest = channels.reduce<(typeof channels)[number] | undefined>(
      (best, c) => (!best || c.locales.length > best.locales.length ? c : best),
      undefined,
    );
    const current = channels.find((c) => c.code === channel) ?? widest;
    if (current && current.code !== channel) setChannelState(current.code);
    const locales = current ? current.locales.map((l) => l.code) : structure.locales.map((l) => l.code);
    if (locales.length > 0 && !locales.includes(locale)) setLocaleState(locales[0]);
  }, [structure, channel, locale]);

  if (me === undefined) return <p class="loading">{t('app.loading')}</p>;
  if (me === null) {
    return (
      <SignIn
        language={<LanguageSwitch onChange={changeLanguage} />}
        onSignedIn={(m) => {
          setMe(m);
          if (location.pathname === '/' || location.pathname === '/signin') navigate(`/${sectionsOf(m.role)[0]}`, true);
        }}
      />
    );
  }
  if (error) return <p role="alert" class="error">{t('app.error', { message: error })}</p>;
  if (!structure) return <p class="loading">{t('app.loading')}</p>;

  const signOut = async () => {
    await request(SIGN_OUT).catch(() => undefined);
    setCsrf(null);
    setStructure(null);
    setMe(null);
  };
  const channelObj = structure.channels.find((c) => c.code === channel);
  const locales = channelObj ? channelObj.locales.map((l) => l.code) : structure.locales.map((l) => l.code);
  const catalog: Catalog = {
    structure,
    reload: loadStructure,
    locale,
    channel,
    role: me.role,
    grantedLocales: me.grants.locales,
    setLocale: (code) => {
      localStorage.setItem('pim.locale', code);
      setLocaleState(code);
    },
    setChannel: (code) => {
      localStorage.setItem('pim.channel', code);
      setChannelState(code);
    },
  };

  const sections = sectionsOf(me.role);
  // `/` and `/signin` show the role's first screen.
  const shown = path === '/' || path === '/signin' ? `/${sections[0]}` : path;
  const section = shown.split('/')[1] === 'models' ? 'products' : shown.split('/')[1];
  let screen;
  if (!sections.includes(section)) screen = <p>{t('app.notFound')}</p>;
  else if (shown.startsWith('/imports')) screen = <Imports supplier={shown.split('/')[2] ? decodeURIComponent(shown.split('/')[2]) : null} />;
  else if (shown.startsWith('/exports')) screen = <Exports channel={shown.split('/')[2] ? decodeURIComponent(shown.split('/')[2]) : null} />;
  else if (shown === '/products') screen = <Grid />;
  else if (path.startsWith('/products/')) screen = <ProductPage sku={decodeURIComponent(path.slice('/products/'.length))} key={path} />;
  else if (path.startsWith('/models/')) screen = <ModelPage code={decodeURIComponent(path.slice('/models/'.length))} key={path} />;
  else if (path === '/quality') screen = <Quality />;
  else if (path.startsWith('/settings')) screen = <Settings tab={path.split('/')[2] ?? 'attributes'} />;
  else screen = <p>{t('app.notFound')}</p>;

  const nav = [
    { href: '/products', key: 'products', text: t('nav.products') },
    { href: '/quality', key: 'quality', text: t('nav.quality') },
    { href: '/imports', key: 'imports', text: t('nav.imports') },
    { href: '/exports', key: 'exports', text: t('nav.exports') },
    { href: '/settings/attributes', key: 'settings', text: t('nav.settings') },
  ].filter((n) => sections.includes(n.key));

  return (
    <CatalogContext.Provider value={catalog}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <strong class="brand">{t('app.title')}</strong>
        <nav aria-label={t('nav.main')}>
          {nav.map((n) => (
            <a href={n.href} onClick={follow} aria-current={section === n.key ? 'page' : undefined} key={n.key}>
              {n.text}
            </a>
          ))}
        </nav>
        <div class="prefs">
          {structure.channels.length > 0 && (
            <>
              <label class="inline">
                <span>{t('prefs.channel')}</span>
                <select value={channel} onChange={(e) => catalog.setChannel((e.currentTarget as HTMLSelectElement).value)}>
                  {structure.channels.map((c) => (
                    <option value={c.code} key={c.code}>
                      {c.code}
                    </option>
                  ))}
                </select>
              </label>
              <label class="inline">
                <span>{t('prefs.locale')}</span>
                <select value={locale} onChange={(e) => catalog.setLocale((e.currentTarget as HTMLSelectElement).value)}>
                  {locales.map((l) => (
                    <option value={l} key={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          <LanguageSwitch onChange={changeLanguage} />
          <span class="who" title={t('signedInAs', { email: me.email, role: me.role })}>
            {me.email}
          </span>
          <button type="button" onClick={signOut}>
            {t('signout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {screen}
      </main>
    </CatalogContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
