// One product model: the values set at its level (a root model's common attributes, a
// sub-model's level attributes), what it inherits from its root, its categories, and the
// sub-models and variant products below it. Its values are what variants inherit.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, gql, request } from '../api/client';
import type { Attribute, Value } from '../api/ops';
import { attributeMap, label, mayManage, useCatalog } from '../catalog';
import { failureOf, FailureText, problemFailure, type Failure } from '../errors';
import { t } from '../i18n';
import { follow } from '../router';
import { CategoriesPanel } from './CategoriesPanel';
import { History } from './History';
import { ValueFields, type Edit } from './ValueFields';

export const PRODUCT_MODEL = gql`
  query ProductModel($code: String!, $locale: String!, $channel: String!) {
    productModel(code: $code) {
      code version
      family { code }
      familyVariant {
        code labels { locale value }
        levels { level axes { code } attributes { code } }
        commonAttributes { code }
      }
      parent { code }
      categories { code }
      values(locale: $locale, channel: $channel) { attribute locale channel data inherited inheritedFrom }
      subModels { code }
      products { sku label(locale: $locale) enabled }
    }
  }
`;

export const SAVE_MODEL = gql`
  mutation SaveProductModel($input: ProductModelInput!) {
    upsertProductModel(input: $input) { code version }
  }
`;

interface Model {
  code: string;
  version: number;
  family: { code: string } | null;
  familyVariant: {
    code: string;
    labels: { locale: string; value: string }[];
    levels: { level: number; axes: { code: string }[]; attributes: { code: string }[] }[];
    commonAttributes: { code: string }[];
  } | null;
  parent: { code: string } | null;
  categories: { code: string }[];
  values: Value[];
  subModels: { code: string }[];
  products: { sku: string; label: string; enabled: boolean }[];
}

export function ModelPage({ code }: { code: string }) {
  const catalog = useCatalog();
  const { structure, locale, channel } = catalog;
  const manager = mayManage(catalog);
  const attributes = useMemo(() => attributeMap(structure), [structure]);
  const [model, setModel] = useState<Model | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [edits, setEdits] = useState<Map<string, Edit>>(new Map());
  const [categories, setCategories] = useState<string[] | null>(null);
  const [errors, setErrors] = useState<Map<string, Failure>>(new Map());
  const [message, setMessage] = useState<{ ok: boolean; text: string; failure?: Failure } | null>(null);
  const [saving, setSaving] = useState(false);
  const [reloads, setReloads] = useState(0);
  // The locale and channel the loaded values are for: until the values of a newly chosen pair
  // arrive, the fields are disabled, so nothing typed is overwritten by the answer.
  const [loadedFor, setLoadedFor] = useState('');

  useEffect(() => {
    request<{ productModel: Model | null }>(PRODUCT_MODEL, { code, locale, channel })
      .then((d) => {
        setModel(d.productModel);
        setLoadedFor(`${locale}|${channel}`);
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [code, locale, channel, reloads]);

  if (loadError) return <p role="alert" class="error">{loadError}</p>;
  if (model === undefined) return <p class="loading">{t('app.loading')}</p>;
  if (model === null) return <p>{t('model.notFound', { code })}</p>;

  const variant = model.familyVariant;
  // A root model holds the common attributes and sees nothing inherited; a sub-model holds its
  // level's attributes and shows the root's values as inherited.
  const own = model.parent
    ? (variant?.levels[0]?.attributes ?? []).map((a) => a.code)
    : (variant?.commonAttributes ?? []).map((a) => a.code);
  const inherited = model.parent ? (variant?.commonAttributes ?? []).map((a) => a.code) : [];
  const shown = [...inherited, ...own]
    .map((c) => attributes.get(c))
    .filter((a): a is Attribute => !!a);
  const ownCategories = categories ?? model.categories.map((c) => c.code);
  const dirty = edits.size > 0 || categories !== null;

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setErrors(new Map());
    setMessage(null);
    const input: Record<string, unknown> = { code: model.code, values: Array.from(edits.values()) };
    if (categories !== null) input.categories = categories;
    try {
      await request(SAVE_MODEL, { input });
      setEdits(new Map());
      setCategories(null);
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

  return (
    <form class="product" onSubmit={save} aria-labelledby="model-title" aria-keyshortcuts="Control+S"
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
          e.preventDefault();
          if (dirty && !saving) (e.currentTarget as HTMLFormElement).requestSubmit();
        }
      }}>
      <p><a href="/products" onClick={follow}>← {t('product.back')}</a></p>
      <div class="product-head">
        <h1 id="model-title">{t('model.title', { code: model.code })}</h1>
        {variant && <span>{t('model.familyVariant')}: {label(variant.labels, variant.code)}</span>}
        {model.parent && (
          <span>{t('model.root')}: <a href={`/models/${encodeURIComponent(model.parent.code)}`} onClick={follow}>{model.parent.code}</a></span>
        )}
        <span>{t('product.version', { version: model.version })}</span>
        <button type="submit" disabled={saving || !dirty}>{saving ? t('common.saving') : t('common.save')}</button>
        {dirty && <span class="dirty">{t('product.unsaved')}</span>}
        {message && (
          <span role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
            {message.text}{message.failure && <> <FailureText failure={message.failure} /></>}
          </span>
        )}
      </div>
      <p class="hint">{t('model.hint')}</p>
      <div class="product-body">
        <ValueFields attributes={shown} values={model.values} edits={edits}
          mainImage={structure.families.find((f) => f.code === model.family?.code)?.imageAttribute}
          onEdits={(next) => { setEdits(next); setMessage(null); }} errors={errors}
          disabled={loadedFor !== `${locale}|${channel}`} />
        <aside class="side">
          <CategoriesPanel own={ownCategories} inherited={[]} onChange={setCategories} disabled={!manager} />
          {model.subModels.length > 0 && (
            <section aria-labelledby="submodels-title">
              <h2 id="submodels-title">{t('model.subModels')}</h2>
              <ul>
                {model.subModels.map((m) => (
                  <li key={m.code}><a href={`/models/${encodeURIComponent(m.code)}`} onClick={follow}>{m.code}</a></li>
                ))}
              </ul>
            </section>
          )}
          {model.products.length > 0 && (
            <section aria-labelledby="model-variants-title">
              <h2 id="model-variants-title">{t('model.variants')}</h2>
              <ul>
                {model.products.map((p) => (
                  <li key={p.sku}>
                    <a href={`/products/${encodeURIComponent(p.sku)}`} onClick={follow}>{p.sku}</a> {p.label}
                    {!p.enabled && <> ({t('grid.disabled')})</>}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <History entity="product_model" code={model.code} version={model.version} />
        </aside>
      </div>
    </form>
  );
}
