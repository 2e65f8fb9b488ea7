// Attributes with their type, group and scoping; new attributes. The options of a select
// attribute open in AttributeOptions.

import { useEffect, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { label, useCatalog } from '../catalog';
import { labelLocale, t } from '../i18n';
import { ServerMessage } from '../errors';
import { AttributeOptions } from './AttributeOptions';
import { useAction } from './form';

export const SAVE_ATTRIBUTE = gql`
  mutation SaveAttribute($input: AttributeInput!) { saveAttribute(input: $input) { code } }
`;

export const ATTRIBUTE = gql`
  query AttributeForEdit($code: String!) {
    attribute(code: $code) {
      code type sortOrder localizable scopable unique defaultUnit
      group { code }
      labels { locale value }
      metricFamily { code }
      constraints {
        maxLength regex regexMessage min max decimalsAllowed negativeAllowed validation htmlAllowed
        minDate maxDate allowedExtensions maxFileBytes minWidth maxWidth minHeight maxHeight
      }
    }
  }
`;

interface Editable {
  code: string;
  type: string;
  sortOrder: number;
  localizable: boolean;
  scopable: boolean;
  unique: boolean;
  defaultUnit: string | null;
  group: { code: string } | null;
  labels: { locale: string; value: string }[];
  metricFamily: { code: string } | null;
  constraints: Record<string, unknown>;
}

/** Labels in every catalog locale, group and sort order; the rest (constraints included) is
 *  sent back as it was, since a save replaces the whole attribute. */
function Editor({ code, onClose }: { code: string; onClose: () => void }) {
  const { structure, reload } = useCatalog();
  const [attribute, setAttribute] = useState<Editable | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, failure, run } = useAction();
  useEffect(() => {
    run(async () => {
      const d = await request<{ attribute: Editable | null }>(ATTRIBUTE, { code });
      setAttribute(d.attribute);
    });
  }, [code]);
  if (!attribute) return failure ? <ServerMessage failure={failure} /> : <p>{t('app.loading')}</p>;
  const labelOf = (locale: string) => attribute.labels.find((l) => l.locale === locale)?.value ?? '';
  const setLabel = (locale: string, value: string) => {
    const rest = attribute.labels.filter((l) => l.locale !== locale);
    setAttribute({ ...attribute, labels: value ? [...rest, { locale, value }] : rest });
    setSaved(false);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_ATTRIBUTE, {
        input: {
          code: attribute.code,
          type: attribute.type,
          group: attribute.group?.code ?? '',
          sortOrder: attribute.sortOrder,
          labels: attribute.labels,
          localizable: attribute.localizable,
          scopable: attribute.scopable,
          unique: attribute.unique,
          metricFamily: attribute.metricFamily?.code ?? null,
          defaultUnit: attribute.defaultUnit,
          constraints: attribute.constraints,
        },
      });
      await reload();
    });
    setSaved(ok);
  };
  return (
    <form class="panel" onSubmit={save} aria-labelledby={`edit-${code}`}>
      <h2 id={`edit-${code}`}>{label(attribute.labels, code)} <small>{code}</small></h2>
      <div class="row">
        {structure.locales.map((l) => (
          <label class="inline" key={l.code}>
            <span>{t('common.labelIn', { locale: l.code })}</span>
            <input value={labelOf(l.code)} onInput={(e) => setLabel(l.code, e.currentTarget.value)} />
          </label>
        ))}
      </div>
      <div class="row">
        <label class="inline"><span>{t('attr.group')}</span>
          <select value={attribute.group?.code ?? ''}
            onChange={(e) => { setAttribute({ ...attribute, group: { code: e.currentTarget.value } }); setSaved(false); }}>
            {structure.attributeGroups.map((g) => <option key={g.code} value={g.code}>{label(g.labels, g.code)}</option>)}
          </select></label>
        <label class="inline"><span>{t('attr.sortOrder')}</span>
          <input type="number" value={attribute.sortOrder}
            onInput={(e) => { setAttribute({ ...attribute, sortOrder: Number(e.currentTarget.value) }); setSaved(false); }} /></label>
        <button type="submit" disabled={busy}>{t('common.save')}</button>
        <button type="button" onClick={onClose}>{t('common.close')}</button>
        {saved && <span role="status" class="ok">{t('common.saved')}</span>}
      </div>
      <ServerMessage failure={failure} />
    </form>
  );
}

const TYPES = ['TEXT', 'TEXTAREA', 'RICH_TEXT', 'NUMBER', 'BOOLEAN', 'DATE', 'SIMPLE_SELECT', 'MULTI_SELECT', 'PRICE_COLLECTION', 'IMAGE', 'FILE', 'PRODUCT_REFERENCE_LIST'];

export function Attributes() {
  const { structure, reload } = useCatalog();
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState({ code: '', type: 'TEXT', group: structure.attributeGroups[0]?.code ?? '', label: '', localizable: false, scopable: false });
  const { busy, failure, run } = useAction();
  const groups = new Map(structure.attributeGroups.map((g) => [g.code, g]));
  const create = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_ATTRIBUTE, {
        input: {
          code: draft.code,
          type: draft.type,
          group: draft.group,
          labels: draft.label ? [{ locale: labelLocale(), value: draft.label }] : [],
          localizable: draft.localizable,
          scopable: draft.scopable,
        },
      });
      await reload();
    });
    if (ok) setDraft({ ...draft, code: '', label: '' });
  };
  const sorted = structure.attributes.slice().sort((a, b) =>
    (groups.get(a.group?.code ?? '')?.sortOrder ?? 0) - (groups.get(b.group?.code ?? '')?.sortOrder ?? 0) || a.sortOrder - b.sortOrder);
  return (
    <div>
      {editing && <Editor code={editing} key={editing} onClose={() => setEditing(null)} />}
      {open && <AttributeOptions code={open} key={open} />}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t('common.code')}</th>
            <th scope="col">{t('common.label')}</th>
            <th scope="col">{t('attr.type')}</th>
            <th scope="col">{t('attr.group')}</th>
            <th scope="col">{t('attr.localizable')}</th>
            <th scope="col">{t('attr.scopable')}</th>
            <th scope="col">{t('attr.optionsColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.code}>
              <td>
                <button type="button" class="link" aria-expanded={editing === a.code}
                  onClick={() => setEditing(editing === a.code ? null : a.code)}>{a.code}</button>
              </td>
              <td>{label(a.labels, a.code)}</td>
              <td>{a.type}</td>
              <td>{a.group ? label(groups.get(a.group.code)?.labels ?? [], a.group.code) : ''}</td>
              <td>{a.localizable ? t('common.yes') : t('common.no')}</td>
              <td>{a.scopable ? t('common.yes') : t('common.no')}</td>
              <td>
                {a.type.endsWith('SELECT') && (
                  <button type="button" aria-expanded={open === a.code} onClick={() => setOpen(open === a.code ? null : a.code)}>
                    {t('common.edit')} ({a.options.length})
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} class="panel" aria-labelledby="new-attribute">
        <h2 id="new-attribute">{t('attr.new')}</h2>
        <div class="row">
          <label class="inline"><span>{t('common.code')}</span>
            <input required pattern="[a-zA-Z0-9_]+" value={draft.code} onInput={(e) => setDraft({ ...draft, code: e.currentTarget.value })} /></label>
          <label class="inline"><span>{t('common.labelIn', { locale: labelLocale() })}</span>
            <input value={draft.label} onInput={(e) => setDraft({ ...draft, label: e.currentTarget.value })} /></label>
          <label class="inline"><span>{t('attr.type')}</span>
            <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}>
              {TYPES.map((x) => <option key={x} value={x}>{x}</option>)}
            </select></label>
          <label class="inline"><span>{t('attr.group')}</span>
            <select value={draft.group} onChange={(e) => setDraft({ ...draft, group: e.currentTarget.value })}>
              {structure.attributeGroups.map((g) => <option key={g.code} value={g.code}>{label(g.labels, g.code)}</option>)}
            </select></label>
          <label class="inline"><input type="checkbox" checked={draft.localizable}
            onChange={(e) => setDraft({ ...draft, localizable: e.currentTarget.checked })} /><span>{t('attr.localizable')}</span></label>
          <label class="inline"><input type="checkbox" checked={draft.scopable}
            onChange={(e) => setDraft({ ...draft, scopable: e.currentTarget.checked })} /><span>{t('attr.scopable')}</span></label>
          <button type="submit" disabled={busy}>{t('common.add')}</button>
        </div>
        <ServerMessage failure={failure} />
      </form>
    </div>
  );
}
