// Channels: the locales, currencies and category tree each publishes (changed by admins).

import { useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import type { Channel } from '../api/ops';
import { label, useCatalog } from '../catalog';
import { t } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';

export const SAVE_CHANNEL = gql`
  mutation SaveChannel($input: ChannelInput!) { saveChannel(input: $input) { code } }
`;

function ChannelRow({ channel }: { channel: Channel }) {
  const { structure, reload, role } = useCatalog();
  const [locales, setLocales] = useState(channel.locales.map((l) => l.code));
  const [currencies, setCurrencies] = useState(channel.currencies.map((c) => c.code));
  const { busy, failure, run } = useAction();
  const admin = role === 'ADMIN';
  const toggle = (list: string[], code: string) => (list.includes(code) ? list.filter((x) => x !== code) : [...list, code]);
  const save = () =>
    run(async () => {
      await request(SAVE_CHANNEL, {
        input: {
          code: channel.code,
          labels: channel.labels.map((l) => ({ locale: l.locale, value: l.value })),
          locales,
          currencies,
          categoryTree: channel.categoryTree?.code ?? '',
        },
      });
      await reload();
    });
  return (
    <tr>
      <th scope="row">{label(channel.labels, channel.code)} <small>{channel.code}</small></th>
      <td>
        <fieldset class="checks" disabled={!admin}>
          <legend class="sr-only">{t('channel.locales')} {channel.code}</legend>
          {structure.locales.map((l) => (
            <label key={l.code}><input type="checkbox" checked={locales.includes(l.code)}
              onChange={() => setLocales(toggle(locales, l.code))} />{l.code}</label>
          ))}
        </fieldset>
      </td>
      <td>
        <fieldset class="checks" disabled={!admin}>
          <legend class="sr-only">{t('channel.currencies')} {channel.code}</legend>
          {structure.currencies.map((c) => (
            <label key={c.code}><input type="checkbox" checked={currencies.includes(c.code)}
              onChange={() => setCurrencies(toggle(currencies, c.code))} />{c.code}</label>
          ))}
        </fieldset>
      </td>
      <td>{channel.categoryTree?.code}</td>
      <td>
        {admin && <button type="button" disabled={busy} onClick={save}>{t('common.save')}</button>}
        <ServerMessage failure={failure} inline />
      </td>
    </tr>
  );
}

export function Channels() {
  const { structure } = useCatalog();
  return (
    <table class="list">
      <thead>
        <tr>
          <th scope="col">{t('settings.channels')}</th>
          <th scope="col">{t('channel.locales')}</th>
          <th scope="col">{t('channel.currencies')}</th>
          <th scope="col">{t('channel.tree')}</th>
          <th scope="col"><span class="sr-only">{t('common.save')}</span></th>
        </tr>
      </thead>
      <tbody>
        {structure.channels.map((c) => <ChannelRow channel={c} key={`${c.code}-${c.locales.length}-${c.currencies.length}`} />)}
      </tbody>
    </table>
  );
}
