// Creating a product: its SKU and family, then its page for the values.

import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { SAVE_PRODUCT } from '../api/ops';
import { label, useCatalog } from '../catalog';
import { failureOf, ServerMessage, type Failure } from '../errors';
import { t } from '../i18n';
import { navigate } from '../router';

export function NewProduct({ onClose }: { onClose: () => void }) {
  const { structure } = useCatalog();
  const [sku, setSku] = useState('');
  const [family, setFamily] = useState(structure.families[0]?.code ?? '');
  const [error, setError] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request(SAVE_PRODUCT, { input: { sku, family: family || null } });
      navigate(`/products/${encodeURIComponent(sku)}`);
    } catch (err) {
      setError(failureOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel row" onSubmit={create} aria-labelledby="new-product-title">
      <h2 id="new-product-title">{t('newProduct.title')}</h2>
      <label class="inline"><span>{t('grid.sku')}</span>
        <input required value={sku} autoFocus onInput={(e) => setSku(e.currentTarget.value.toUpperCase())} /></label>
      <label class="inline"><span>{t('grid.family')}</span>
        <select value={family} onChange={(e) => setFamily(e.currentTarget.value)}>
          {structure.families.map((f) => <option key={f.code} value={f.code}>{label(f.labels, f.code)}</option>)}
        </select></label>
      <button type="submit" disabled={busy}>{t('newProduct.create')}</button>
      <button type="button" onClick={onClose}>{t('common.close')}</button>
      <ServerMessage failure={error} />
    </form>
  );
}
