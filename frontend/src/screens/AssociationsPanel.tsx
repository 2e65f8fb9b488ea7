// A product's associations: for each association type of the catalog (cross-sell, upsell,
// pack …), the SKUs it points at as links, and a field to edit them (SKUs separated by commas,
// spaces or lines). The product page sends only the types changed; each replaces that type's
// list (an empty list removes it). A refused SKU shows the server's error next to its type's
// field, matched by the error's `field` (`associations.cross_sell`).

import { useEffect, useState } from 'preact/hooks';
import { label, useCatalog } from '../catalog';
import { ServerMessage, type Failure } from '../errors';
import { t } from '../i18n';
import { follow } from '../router';

export function parseSkus(text: string): string[] {
  return Array.from(new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean)));
}

/** One type's field: what is typed stays as typed until it leaves the field. */
function SkuField({ id, name, skus, onChange, disabled, error }: {
  id: string;
  name: string;
  skus: string[];
  onChange: (skus: string[]) => void;
  disabled: boolean;
  error: Failure | undefined;
}) {
  const [text, setText] = useState(skus.join(', '));
  useEffect(() => {
    if (parseSkus(text).join(',') !== skus.join(',')) setText(skus.join(', '));
  }, [skus.join(',')]);
  return (
    <>
      <input id={id} type="text" value={text} disabled={disabled} placeholder={t('assoc.placeholder')}
        aria-label={t('assoc.field', { type: name })} aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          onChange(parseSkus(e.currentTarget.value));
        }} />
      <ServerMessage failure={error ?? null} id={`${id}-error`} class="field-error" inline />
    </>
  );
}

export function AssociationsPanel({ stored, edited, onChange, errors, disabled }: {
  /** The product's associations as saved. */
  stored: { type: string; skus: string[] }[];
  /** Unsaved lists by type. */
  edited: Map<string, string[]>;
  onChange: (edited: Map<string, string[]>) => void;
  /** Server errors by field (`associations.pack`). */
  errors: Map<string, Failure>;
  disabled: boolean;
}) {
  const { structure } = useCatalog();
  const types = structure.associationTypes;
  const skusOf = (type: string) => edited.get(type) ?? stored.find((a) => a.type === type)?.skus ?? [];
  // Types the catalog no longer defines still show what the product holds.
  const extra = stored.filter((a) => !types.some((x) => x.code === a.type)).map((a) => ({ code: a.type, labels: [] }));
  return (
    <section aria-labelledby="associations-title" class="associations">
      <h2 id="associations-title">{t('assoc.title')}</h2>
      {types.length + extra.length === 0 ? <p>{t('assoc.noTypes')}</p> : (
        <dl>
          {[...types, ...extra].map((type) => {
            const name = label(type.labels, type.code);
            const saved = stored.find((a) => a.type === type.code)?.skus ?? [];
            return (
              <div key={type.code} class="association" data-type={type.code}>
                <dt>{name}</dt>
                <dd>
                  {saved.length > 0 && (
                    <ul class="chips">
                      {saved.map((sku) => (
                        <li key={sku}><a href={`/products/${encodeURIComponent(sku)}`} onClick={follow}>{sku}</a></li>
                      ))}
                    </ul>
                  )}
                  <SkuField id={`association-${type.code}`} name={name} skus={skusOf(type.code)} disabled={disabled}
                    error={errors.get(`associations.${type.code}`)}
                    onChange={(skus) => {
                      const next = new Map(edited);
                      if (skus.slice().sort().join(',') === saved.slice().sort().join(',')) next.delete(type.code);
                      else next.set(type.code, skus);
                      onChange(next);
                    }} />
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
