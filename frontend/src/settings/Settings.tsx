// Catalog settings: one tab per kind of structure; users and tokens for administrators.

import type { JSX } from 'preact';
import { t, type Key } from '../i18n';
import { follow } from '../router';
import { useCatalog } from '../catalog';
import { Attributes } from './Attributes';
import { Categories } from './Categories';
import { Channels } from './Channels';
import { Families } from './Families';
import { FamilyVariants } from './FamilyVariants';
import { Currencies, Locales } from './LocalesCurrencies';
import { Tokens } from './Tokens';
import { Users } from './Users';

const TABS: { code: string; key: Key; admin?: boolean }[] = [
  { code: 'attributes', key: 'settings.attributes' },
  { code: 'families', key: 'settings.families' },
  { code: 'family-variants', key: 'settings.familyVariants' },
  { code: 'categories', key: 'settings.categories' },
  { code: 'channels', key: 'settings.channels' },
  { code: 'locales', key: 'settings.locales' },
  { code: 'currencies', key: 'settings.currencies' },
  { code: 'users', key: 'settings.users', admin: true },
  { code: 'tokens', key: 'settings.tokens', admin: true },
];

export function Settings({ tab }: { tab: string }) {
  const { role } = useCatalog();
  const isAdmin = role === 'ADMIN';
  const screens: Record<string, () => JSX.Element> = {
    attributes: () => <Attributes />,
    families: () => <Families />,
    'family-variants': () => <FamilyVariants />,
    categories: () => <Categories />,
    channels: () => <Channels />,
    locales: () => <Locales />,
    currencies: () => <Currencies />,
    users: () => <Users />,
    tokens: () => <Tokens />,
  };
  const current = TABS.find((x) => x.code === tab) ?? TABS[0];
  return (
    <div class="settings">
      <h1>{t('settings.title')}</h1>
      <nav class="tabs" aria-label={t('settings.sections')}>
        {TABS.filter((x) => !x.admin || isAdmin).map((x) => (
          <a key={x.code} href={`/settings/${x.code}`} onClick={follow}
            aria-current={x.code === current.code ? 'page' : undefined}>
            {t(x.key)}
          </a>
        ))}
      </nav>
      <section aria-label={t(current.key)}>
        {current.admin && !isAdmin ? <p>{t('adminOnly')}</p> : screens[current.code]()}
      </section>
    </div>
  );
}
