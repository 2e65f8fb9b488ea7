// Mass edit of the selected products: set one value, add a category, enable or disable. One
// `upsertProducts` batch; each product is answered on its own and rejections are listed.

import { useMemo, useState } from 'preact/hooks';
import { ApiError, request } from '../api/client';
import { UPSERT_PRODUCTS, type BatchAnswer } from '../api/ops';
import { categoryList, label, useCatalog } from '../catalog';
import { FailureText, problemFailure } from '../errors';
import { t } from '../i18n';
import { ValueWidget } from './widgets';

type Action = 'value' | 'category' | 'enable' | 'disable';

export function MassEdit({ selected, onDone, onClear }: {
  selected: Map<string, string[]>;
  onDone: () => void;
  onClear: () => void;
}) {
  const { structure, locale, channel } = useCatalog();
  const [action, setAction] = useState<Action>('value');
  const editable = structure.attributes.filter((a) => !['IDENTIFIER', 'IMAGE', 'FILE'].includes(a.type));
  const [attribute, setAttribute] = useState(editable[0]?.code ?? '');
  const [data, setData] = useState<unknown>(null);
  const [category, setCategory] = useState('');
  const [result, setResult] = useState<BatchAnswer['upsertProducts'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const categories = useMemo(() => categoryList(structure), [structure]);
  const attr = editable.find((a) => a.code === attribute);
  const currencies = structure.channels.find((c) => c.code === channel)?.currencies.map((c) => c.code) ?? [];

  const apply = async (e: Event) => {
    e.preventDefault();
    const input = Array.from(selected.entries()).map(([sku, cats]) => {
      if (action === 'enable' || action === 'disable') return { sku, enabled: action === 'enable' };
      if (action === 'category') return { sku, categories: Array.from(new Set([...cats, category])) };
      return {
        sku,
        values: [{
          attribute,
          locale: attr?.localizable ? locale : null,
          channel: attr?.scopable ? channel : null,
          data,
        }],
      };
    });
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const d = await request<BatchAnswer>(UPSERT_PRODUCTS, { input });
      setResult(d.upsertProducts);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="mass-edit" onSubmit={apply} aria-labelledby="mass-title">
      <h2 id="mass-title">{t('mass.title')} — {t('grid.selected', { count: selected.size })}</h2>
      <label class="inline">
        <span>{t('mass.action')}</span>
        <select value={action} onChange={(e) => { setAction(e.currentTarget.value as Action); setResult(null); }}>
          <option value="value">{t('mass.setValue')}</option>
          <option value="category">{t('mass.addCategory')}</option>
          <option value="enable">{t('mass.enable')}</option>
          <option value="disable">{t('mass.disable')}</option>
        </select>
      </label>
      {action === 'value' && (
        <>
          <label class="inline">
            <span>{t('mass.attribute')}</span>
            <select value={attribute} onChange={(e) => { setAttribute(e.currentTarget.value); setData(null); }}>
              {editable.map((a) => <option value={a.code} key={a.code}>{label(a.labels, a.code)}</option>)}
            </select>
          </label>
          {attr && (
            <label class="inline">
              <span>
                {label(attr.labels, attr.code)}
                {attr.localizable ? ` (${locale})` : ''}
                {attr.scopable ? ` [${channel}]` : ''}
              </span>
              <ValueWidget key={attr.code} attribute={attr} id="mass-value" value={data} onChange={setData}
                currencies={currencies} name={label(attr.labels, attr.code)} />
            </label>
          )}
        </>
      )}
      {action === 'category' && (
        <label class="inline">
          <span>{t('mass.category')}</span>
          <select value={category} required onChange={(e) => setCategory(e.currentTarget.value)}>
            <option value="">{t('widget.noOption')}</option>
            {categories.map((c) => <option value={c.code} key={c.code}>{c.path}</option>)}
          </select>
        </label>
      )}
      <button type="submit" disabled={busy}>{t('common.apply')}</button>
      <button type="button" onClick={onClear}>{t('grid.clearSelection')}</button>
      {error && <p role="alert" class="error">{error}</p>}
      {result && (
        <div role="status">
          <p>{t('mass.result', { updated: result.updated, unchanged: result.unchanged, rejected: result.rejected })}</p>
          <ul>
            {result.items.filter((i) => i.errors.length > 0).map((i) => (
              <li key={i.code} class="server-message">
                {i.code}:{' '}
                {i.errors.map((e, n) => (
                  <span key={n} data-code={e.code}><code>{e.field}</code> <FailureText failure={problemFailure(e)} /></span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
