// Options of a select attribute: each option's labels in every catalog locale and its sort
// order (typed, or moved up and down), a new option, and deletion (a second click confirms).
// `saveAttributeOption` replaces one option, so a save sends its code, sort order and all its
// labels; moving renumbers the options whose place changed.

import { useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import type { Label, Option } from '../api/ops';
import { label, useCatalog } from '../catalog';
import { ServerMessage } from '../errors';
import { labelLocale, t } from '../i18n';
import { useAction } from './form';

export const SAVE_OPTION = gql`
  mutation SaveAttributeOption($input: AttributeOptionInput!) { saveAttributeOption(input: $input) { code } }
`;
export const OPTION_USE = gql`
  query OptionUse($filters: ProductFilterInput!) { search(filters: $filters, first: 1) { total } }
`;
export const DELETE_OPTION = gql`
  mutation DeleteAttributeOption($attribute: String!, $code: String!) { deleteAttributeOption(attribute: $attribute, code: $code) }
`;

function sorted(options: Option[]): Option[] {
  return options.slice().sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));
}

function saveOption(attribute: string, o: Option) {
  return request(SAVE_OPTION, {
    input: { attribute, code: o.code, sortOrder: o.sortOrder, labels: o.labels.filter((l) => l.value.trim() !== '') },
  });
}

export function AttributeOptions({ code }: { code: string }) {
  const { structure, reload } = useCatalog();
  const attribute = structure.attributes.find((a) => a.code === code)!;
  const options = sorted(attribute.options);
  // Unsaved edits of existing options, by code.
  const [drafts, setDrafts] = useState<Map<string, Option>>(new Map());
  const [option, setOption] = useState('');
  const [optionLabel, setOptionLabel] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  // Products whose value is the option being deleted, shown on the confirmation: the API refuses
  // to delete an option that products or product models still hold (CONFLICT, with the count and
  // a few SKUs, shown below the table), so the count warns before the second click.
  const [users, setUsers] = useState<number | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [exists, setExists] = useState<string | null>(null);
  const { busy, failure, run } = useAction();
  const name = label(attribute.labels, code);
  const locales = structure.locales.map((l) => l.code);
  const current = (o: Option) => drafts.get(o.code) ?? o;

  const change = (o: Option, next: Partial<Option>) => {
    setDrafts(new Map(drafts).set(o.code, { ...current(o), ...next }));
    setSaved(null);
  };
  const setLabel = (o: Option, locale: string, value: string) => {
    const labels: Label[] = current(o).labels.filter((l) => l.locale !== locale);
    change(o, { labels: value ? [...labels, { locale, value }] : labels });
  };
  const forget = (codes: string[]) => {
    const next = new Map(drafts);
    codes.forEach((c) => next.delete(c));
    setDrafts(next);
  };

  const save = async (o: Option) => {
    const ok = await run(async () => {
      await saveOption(code, current(o));
      await reload();
    });
    if (ok) {
      forget([o.code]);
      setSaved(o.code);
    }
  };
  // Moving renumbers 1…n in the new order and saves the options whose number changed (with
  // their unsaved label edits, if any).
  const move = async (index: number, delta: number) => {
    const order = options.slice();
    const [moved] = order.splice(index, 1);
    order.splice(index + delta, 0, moved);
    const changed = order
      .map((o, i) => ({ ...current(o), sortOrder: i + 1 }))
      .filter((o) => o.sortOrder !== options.find((x) => x.code === o.code)!.sortOrder);
    const ok = await run(async () => {
      for (const o of changed) await saveOption(code, o);
      await reload();
    });
    if (ok) forget(changed.map((o) => o.code));
  };
  const askRemove = (o: Option) => {
    setConfirming(o.code);
    setUsers(null);
    request<{ search: { total: number } }>(OPTION_USE, { filters: { attributes: [{ attribute: code, options: [o.code] }] } })
      .then((d) => setUsers(d.search.total))
      .catch(() => setUsers(null));
  };
  const remove = async (o: Option) => {
    const ok = await run(async () => {
      await request(DELETE_OPTION, { attribute: code, code: o.code });
      await reload();
    });
    if (ok) forget([o.code]);
    setConfirming(null);
  };
  const add = async (e: Event) => {
    e.preventDefault();
    // saveAttributeOption would replace an option of the same code: refuse that here.
    if (options.some((o) => o.code.toLowerCase() === option.toLowerCase())) {
      setExists(option);
      return;
    }
    setExists(null);
    const ok = await run(async () => {
      await saveOption(code, {
        code: option,
        sortOrder: options.reduce((max, o) => Math.max(max, o.sortOrder), 0) + 1,
        labels: optionLabel ? [{ locale: labelLocale(), value: optionLabel }] : [],
      });
      await reload();
    });
    if (ok) {
      setOption('');
      setOptionLabel('');
    }
  };

  return (
    <section aria-labelledby={`options-${code}`} class="panel options-editor">
      <h2 id={`options-${code}`}>{t('attr.options', { attribute: name })}</h2>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t('common.code')}</th>
            {locales.map((l) => <th scope="col" key={l}>{t('common.labelIn', { locale: l })}</th>)}
            <th scope="col">{t('attr.sortOrder')}</th>
            <th scope="col"><span class="sr-only">{t('attr.optionActions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {options.map((stored, i) => {
            const o = current(stored);
            const dirty = drafts.has(o.code);
            return (
              <tr key={o.code} data-option={o.code}>
                <th scope="row"><code>{o.code}</code></th>
                {locales.map((l) => (
                  <td key={l}>
                    <input aria-label={t('attr.optionLabel', { option: o.code, locale: l })}
                      value={o.labels.find((x) => x.locale === l)?.value ?? ''}
                      onInput={(e) => setLabel(stored, l, e.currentTarget.value)} />
                  </td>
                ))}
                <td>
                  <input type="number" class="narrow" aria-label={t('attr.optionSortOrder', { option: o.code })}
                    value={o.sortOrder} onInput={(e) => change(stored, { sortOrder: Number(e.currentTarget.value) })} />
                </td>
                <td class="actions">
                  <button type="button" disabled={busy || i === 0} onClick={() => move(i, -1)}
                    aria-label={t('attr.optionUp', { option: o.code })}>↑</button>
                  <button type="button" disabled={busy || i === options.length - 1} onClick={() => move(i, 1)}
                    aria-label={t('attr.optionDown', { option: o.code })}>↓</button>
                  <button type="button" disabled={busy || !dirty} onClick={() => save(stored)}
                    aria-label={t('attr.optionSave', { option: o.code })}>{t('common.save')}</button>
                  {confirming === o.code ? (
                    <button type="button" class="danger" disabled={busy} onClick={() => remove(stored)}>
                      {t('attr.optionConfirmDelete', { option: o.code })}
                      {users ? ` ${t('attr.optionInUse', { count: users })}` : ''}</button>
                  ) : (
                    <button type="button" disabled={busy} onClick={() => askRemove(stored)}
                      aria-label={t('attr.optionDelete', { option: o.code })}>{t('common.remove')}</button>
                  )}
                  {saved === o.code && <span role="status" class="ok">{t('common.saved')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form onSubmit={add} class="row">
        <label class="inline"><span>{t('attr.newOption')}</span>
          <input required pattern="[a-zA-Z0-9_]+" value={option} onInput={(e) => { setOption(e.currentTarget.value); setExists(null); }} /></label>
        <label class="inline"><span>{t('common.labelIn', { locale: labelLocale() })}</span>
          <input value={optionLabel} onInput={(e) => setOptionLabel(e.currentTarget.value)} /></label>
        <button type="submit" disabled={busy}>{t('common.add')}</button>
      </form>
      {exists && <p role="alert" class="error">{t('attr.optionExists', { option: exists })}</p>}
      <ServerMessage failure={failure} />
    </section>
  );
}
