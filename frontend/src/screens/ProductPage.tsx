// One product: values grouped by attribute group for the chosen locale and channel, with the
// widget of each attribute type; inherited values marked; variants, categories, completeness,
// quality issues and history. Saving sends only what changed; a refused value shows its error
// next to its field.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, request } from '../api/client';
import { DELETE_PRODUCT, PRODUCT, PRODUCT_VALUES, SAVE_PRODUCT, type Attribute, type Product, type Value } from '../api/ops';
import { attributeMap, label, mayManage, useCatalog } from '../catalog';
import { failureOf, FailureText, problemFailure, type Failure } from '../errors';
import { t } from '../i18n';
import { follow, navigate } from '../router';
import { Badge } from './Grid';
import { History } from './History';
import { AssociationsPanel } from './AssociationsPanel';
import { CategoriesPanel } from './CategoriesPanel';
import { ValueFields, type Edit } from './ValueFields';

export function ProductPage({ sku }: { sku: string }) {
  const catalog = useCatalog();
  const { structure, locale, channel } = catalog;
  const manager = mayManage(catalog);
  const attributes = useMemo(() => attributeMap(structure), [structure]);
  const [product, setProduct] = useState<Product | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [edits, setEdits] = useState<Map<string, Edit>>(new Map());
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [categories, setCategories] = useState<string[] | null>(null);
  const [associations, setAssociations] = useState<Map<string, string[]>>(new Map());
  const [errors, setErrors] = useState<Map<string, Failure>>(new Map());
  const [message, setMessage] = useState<{ ok: boolean; text: string; failure?: Failure } | null>(null);
  const [saving, setSaving] = useState(false);
  const [reloads, setReloads] = useState(0);
  // The locale and channel the loaded values are for: until the values of a newly chosen pair
  // arrive, the fields are disabled, so nothing typed is overwritten by the answer.
  const [loadedFor, setLoadedFor] = useState('');
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    request<{ product: Product | null }>(PRODUCT, { sku, locale, channel })
      .then((d) => {
        setProduct(d.product);
        setLoadedFor(`${locale}|${channel}`);
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [sku, locale, channel, reloads]);

  // Another locale's values beside the localized fields, for translating from it.
  const [compareLocale, setCompareLocale] = useState('');
  const [compareValues, setCompareValues] = useState<Value[]>([]);
  useEffect(() => {
    if (!compareLocale) return setCompareValues([]);
    request<{ product: { values: Value[] } | null }>(PRODUCT_VALUES, { sku, locale: compareLocale, channel })
      .then((d) => setCompareValues(d.product?.values ?? []))
      .catch(() => setCompareValues([]));
  }, [sku, compareLocale, channel, reloads]);

  if (loadError) return <p role="alert" class="error">{loadError}</p>;
  if (product === undefined) return <p class="loading">{t('app.loading')}</p>;
  if (product === null) return <p>{t('product.notFound', { sku })}</p>;

  const family = structure.families.find((f) => f.code === product.family?.code);
  const familyAttributes = family
    ? family.attributes.map((a) => attributes.get(a.code)).filter((a): a is Attribute => !!a)
    : Array.from(new Set(product.values.map((v) => v.attribute))).map((c) => attributes.get(c)).filter((a): a is Attribute => !!a);
  const ownCategories = categories ?? product.categories.map((c) => c.code);
  const inheritedCategories = product.allCategories.map((c) => c.code).filter((c) => !ownCategories.includes(c));
  const dirty = edits.size > 0 || enabled !== null || categories !== null || associations.size > 0;

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setErrors(new Map());
    setMessage(null);
    const input: Record<string, unknown> = { sku: product.sku, values: Array.from(edits.values()) };
    if (enabled !== null) input.enabled = enabled;
    if (categories !== null) input.categories = categories;
    if (associations.size > 0) input.associations = Array.from(associations, ([type, skus]) => ({ type, skus }));
    try {
      await request(SAVE_PRODUCT, { input });
      setEdits(new Map());
      setEnabled(null);
      setCategories(null);
      setAssociations(new Map());
      setMessage({ ok: true, text: t('common.saved') });
      setReloads(reloads + 1);
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(new Map(err.problems.map((p) => [p.field.replace(/^input\./, ''), problemFailure(p)])));
        setMessage({ ok: false, text: t('product.saveFailed', { message: '' }).trim(), failure: failureOf(err) });
      } else {
        setMessage({ ok: false, text: String(err) });
      }
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    try {
      await request(DELETE_PRODUCT, { sku: product.sku });
      navigate('/products');
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
      setDeleting(false);
    }
  };

  const completeness = product.completeness.slice().sort((a, b) => a.channel.localeCompare(b.channel) || a.locale.localeCompare(b.locale));

  return (
    <form class="product" onSubmit={save} aria-labelledby="product-title" aria-keyshortcuts="Control+S"
      onKeyDown={(e) => {
        // Ctrl+S (⌘S) saves without leaving the field.
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
          e.preventDefault();
          if (dirty && !saving) (e.currentTarget as HTMLFormElement).requestSubmit();
        }
      }}>
      <p><a href="/products" onClick={follow}>← {t('product.back')}</a></p>
      <div class="product-head">
        <h1 id="product-title">{product.label} <small>{product.sku}</small></h1>
        <label class="inline">
          <input type="checkbox" checked={enabled ?? product.enabled} disabled={!manager} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          <span>{t('product.enabled')}</span>
        </label>
        <span>{t('product.family')}: {family ? label(family.labels, family.code) : t('common.none')}</span>
        {product.parent && (
          <span>
            {t('product.parent')}:{' '}
            {product.parent.parent && (
              <><a href={`/models/${encodeURIComponent(product.parent.parent.code)}`} onClick={follow}>{product.parent.parent.code}</a> › </>
            )}
            <a href={`/models/${encodeURIComponent(product.parent.code)}`} onClick={follow}>{product.parent.code}</a>
          </span>
        )}
        <span>{t('product.version', { version: product.version })}</span>
        <button type="submit" disabled={saving || !dirty}>{saving ? t('common.saving') : t('common.save')}</button>
        {!manager ? null : deleting ? (
          <>
            <button type="button" class="danger" onClick={remove}>{t('product.confirmDelete', { sku: product.sku })}</button>
            <button type="button" onClick={() => setDeleting(false)}>{t('common.close')}</button>
          </>
        ) : (
          <button type="button" onClick={() => setDeleting(true)}>{t('product.delete')}</button>
        )}
        {dirty && <span class="dirty">{t('product.unsaved')}</span>}
        {message && (
          <span role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
            {message.text}{message.failure && <> <FailureText failure={message.failure} /></>}
          </span>
        )}
        <label class="inline compare">
          <span>{t('product.compare')}</span>
          <select value={compareLocale} onChange={(e) => setCompareLocale(e.currentTarget.value)}>
            <option value="">{t('widget.noOption')}</option>
            {structure.locales.filter((l) => l.code !== locale).map((l) => <option key={l.code} value={l.code}>{l.code}</option>)}
          </select>
        </label>
      </div>
      <div class="product-body">
        <ValueFields attributes={familyAttributes} values={product.values} edits={edits} mainImage={family?.imageAttribute}
          compare={compareLocale ? { locale: compareLocale, values: compareValues } : undefined}
          onEdits={(next) => { setEdits(next); setMessage(null); }} errors={errors}
          disabled={loadedFor !== `${locale}|${channel}`} />
        <aside class="side">
          <section aria-labelledby="completeness-title">
            <h2 id="completeness-title">{t('product.completeness')}</h2>
            <table class="compact">
              <tbody>
                {completeness.map((c) => (
                  <tr key={`${c.channel}-${c.locale}`} class={c.channel === channel && c.locale === locale ? 'current' : undefined}>
                    <th scope="row">{c.channel} / {c.locale}</th>
                    <td><Badge ratio={c.ratio} /></td>
                    <td class="missing">{c.missing.length > 0 ? t('product.missing', { attributes: c.missing.join(', ') }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="issues-title">
            <h2 id="issues-title">{t('product.qualityIssues')}</h2>
            {product.qualityIssues.length === 0 ? <p>{t('product.noIssues')}</p> : (
              <ul class="issues">
                {product.qualityIssues.map((i, n) => (
                  <li key={n} class={`severity-${i.severity.toLowerCase()}`}>
                    <strong>{i.severity}</strong> {i.channel}/{i.locale}: {i.message} <small>({i.rule})</small>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <CategoriesPanel own={ownCategories} inherited={inheritedCategories} onChange={setCategories} disabled={!manager} />
          <AssociationsPanel stored={product.associations} edited={associations} errors={errors} disabled={!manager}
            onChange={(next) => { setAssociations(next); setMessage(null); }} />
          {product.parent && (
            <section aria-labelledby="variants-title">
              <h2 id="variants-title">{t('product.siblings', { model: product.parent.code })}</h2>
              <ul>
                {product.parent.products.map((p) => (
                  <li key={p.sku}>
                    {p.sku === product.sku ? <strong>{p.sku}</strong> : (
                      <a href={`/products/${encodeURIComponent(p.sku)}`} onClick={follow}>{p.sku}</a>
                    )}{' '}{p.label}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <History entity="product" code={product.sku} version={product.version} />
        </aside>
      </div>
    </form>
  );
}
