// Locales and currencies: listed for everyone, added by admins.

import { useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { useCatalog } from '../catalog';
import { t, type Key } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';

export const SAVE_LOCALE = gql`
  mutation SaveLocale($input: LocaleInput!) { saveLocale(input: $input) { code } }
`;
export const SAVE_CURRENCY = gql`
  mutation SaveCurrency($input: CurrencyInput!) { saveCurrency(input: $input) { code } }
`;

function CodeList({ items, mutation, newKey, pattern }: {
  items: { code: string; label: string }[];
  mutation: string;
  newKey: Key;
  pattern: string;
}) {
  const { reload, role } = useCatalog();
  const [code, setCode] = useState('');
  const [text, setText] = useState('');
  const { busy, failure, run } = useAction();
  const add = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(mutation, { input: { code, label: text } });
      await reload();
    });
    if (ok) {
      setCode('');
      setText('');
    }
  };
  return (
    <div>
      <table class="list">
        <thead><tr><th scope="col">{t('common.code')}</th><th scope="col">{t('common.label')}</th></tr></thead>
        <tbody>{items.map((i) => <tr key={i.code}><td>{i.code}</td><td>{i.label}</td></tr>)}</tbody>
      </table>
      {role === 'ADMIN' && (
        <form onSubmit={add} class="panel row">
          <label class="inline"><span>{t(newKey)}</span>
            <input required pattern={pattern} value={code} onInput={(e) => setCode(e.currentTarget.value)} /></label>
          <label class="inline"><span>{t('common.label')}</span>
            <input value={text} onInput={(e) => setText(e.currentTarget.value)} /></label>
          <button type="submit" disabled={busy}>{t('common.add')}</button>
          <ServerMessage failure={failure} />
        </form>
      )}
    </div>
  );
}

export function Locales() {
  const { structure } = useCatalog();
  return <CodeList items={structure.locales} mutation={SAVE_LOCALE} newKey="locale.new" pattern="[a-z]{2,3}_[A-Z]{2}" />;
}

export function Currencies() {
  const { structure } = useCatalog();
  return <CodeList items={structure.currencies} mutation={SAVE_CURRENCY} newKey="currency.new" pattern="[A-Z]{3}" />;
}
