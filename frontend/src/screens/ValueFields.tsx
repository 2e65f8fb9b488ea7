// The values of a product or product model for one locale and channel: image attributes as a
// gallery whose order can change, the others grouped by attribute group, each with its widget,
// its server error and, when inherited from a product model, a note and a link to that model.

import type { Attribute, Value } from '../api/ops';
import { display, label, mayEdit, useCatalog, valueKey, valuePath } from '../catalog';
import { ServerMessage, type Failure } from '../errors';
import { t } from '../i18n';
import { follow } from '../router';
import { ValueWidget } from './widgets';

export interface Edit {
  attribute: string;
  channel: string | null;
  locale: string | null;
  data: unknown;
}

export function ValueFields({ attributes, values, edits, onEdits, errors, disabled = false, compare, mainImage = null }: {
  /** The attributes shown, in the family's order. */
  attributes: Attribute[];
  /** Stored values for the chosen locale and channel, inherited ones included. */
  values: Value[];
  edits: Map<string, Edit>;
  onEdits: (edits: Map<string, Edit>) => void;
  /** Server errors by value path (`values.ean`, `values.description.webshop.en_US`). */
  errors: Map<string, Failure>;
  /** While the values of another locale or channel load. */
  disabled?: boolean;
  /** Another locale's values, shown under each localized field. */
  compare?: { locale: string; values: Value[] };
  /** The family's image attribute, first in the gallery. */
  mainImage?: string | null;
}) {
  const catalog = useCatalog();
  const { structure, locale, channel } = catalog;
  const byCode = new Map(structure.attributes.map((a) => [a.code, a]));
  const stored = new Map<string, Value>();
  for (const v of values) {
    const a = byCode.get(v.attribute);
    if (a) stored.set(valueKey(a, v.channel ?? channel, v.locale ?? locale), v);
  }
  const currencies = structure.channels.find((c) => c.code === channel)?.currencies.map((c) => c.code) ?? [];
  const editable = attributes.filter((a) => a.type !== 'IDENTIFIER');
  const current = (a: Attribute) => {
    const key = valueKey(a, channel, locale);
    return edits.has(key) ? edits.get(key)!.data : stored.get(key)?.data ?? null;
  };
  const edit = (next: Map<string, Edit>, a: Attribute, data: unknown) =>
    next.set(valueKey(a, channel, locale), {
      attribute: a.code,
      channel: a.scopable ? channel : null,
      locale: a.localizable ? locale : null,
      data,
    });
  const setData = (a: Attribute, data: unknown) => {
    const next = new Map(edits);
    edit(next, a, data);
    onEdits(next);
  };

  const groups = structure.attributeGroups.slice().sort((a, b) => a.sortOrder - b.sortOrder);
  const byGroup = groups
    .map((g) => ({ group: g, list: editable.filter((a) => a.group?.code === g.code && a.type !== 'IMAGE') }))
    .filter((g) => g.list.length > 0);
  const ungrouped = editable.filter((a) => !a.group && a.type !== 'IMAGE');

  // An image attribute holds one image (an asset hash), so the gallery is the family's image
  // attributes: its main image (the family's image attribute) first, then the others in sort
  // order. Changing the order moves images between attributes: each move swaps two values.
  const images = editable
    .filter((a) => a.type === 'IMAGE')
    .sort((a, b) => Number(b.code === mainImage) - Number(a.code === mainImage) || a.sortOrder - b.sortOrder);
  const inheritedHere = (a: Attribute) => {
    const key = valueKey(a, channel, locale);
    return !edits.has(key) && !!stored.get(key)?.inherited;
  };
  const movable = (a: Attribute) => !disabled && !inheritedHere(a) && mayEdit(catalog, a, locale);
  const swap = (a: Attribute | undefined, b: Attribute | undefined) => {
    if (!a || !b || !movable(a) || !movable(b)) return;
    const next = new Map(edits);
    const [da, db] = [current(a), current(b)];
    edit(next, a, db);
    edit(next, b, da);
    onEdits(next);
  };

  const field = (a: Attribute) => {
    const key = valueKey(a, channel, locale);
    const v = stored.get(key);
    const inherited = !edits.has(key) && v?.inherited;
    const id = `value-${a.code}`;
    const error = errors.get(valuePath(a, channel, locale)) ?? errors.get(`values.${a.code}`);
    const name = label(a.labels, a.code);
    return (
      <div class={`field${error ? ' invalid' : ''}${inherited ? ' inherited' : ''}`} key={a.code} data-attribute={a.code}>
        <label for={id} id={`${id}-label`}>
          {name}
          {a.localizable && <span class="scope"> {locale}</span>}
          {a.scopable && <span class="scope"> {channel}</span>}
        </label>
        <ValueWidget attribute={a} id={id} value={current(a)} onChange={(d) => setData(a, d)}
          currencies={currencies} disabled={disabled || !!inherited || !mayEdit(catalog, a, locale)} name={name}
          describedBy={[error ? `${id}-error` : '', inherited ? `${id}-inherited` : ''].filter(Boolean).join(' ') || undefined}
          invalid={!!error} />
        {inherited && (
          <span class="inherited-note" id={`${id}-inherited`}>
            {t('product.inheritedFrom')}{' '}
            <a href={`/models/${encodeURIComponent(v?.inheritedFrom ?? '')}`} onClick={follow}>{v?.inheritedFrom}</a>
          </span>
        )}
        {compare && a.localizable && (
          <span class="compare-value" id={`${id}-compare`}>
            <span class="scope">{compare.locale}:</span>{' '}
            {display(a, compare.values.find((x) => x.attribute === a.code)?.data) || t('common.none')}
          </span>
        )}
        <ServerMessage failure={error ?? null} id={`${id}-error`} class="field-error" inline />
      </div>
    );
  };

  return (
    <div class="values" aria-busy={disabled}>
      {images.length > 0 && (
        <fieldset class="group">
          <legend>{t('product.images')}</legend>
          <div class="gallery">
            {images.map((a, i) => {
              const name = label(a.labels, a.code);
              const main = a.code === mainImage;
              return (
                <div class={`gallery-item${main ? ' main' : ''}`} key={a.code} data-image={a.code}>
                  {main && <span class="badge main-badge">{t('product.mainImage')}</span>}
                  {field(a)}
                  <div class="gallery-moves">
                    <button type="button" disabled={i === 0 || !movable(a) || !movable(images[i - 1])}
                      onClick={() => swap(a, images[i - 1])} aria-label={t('product.moveLeft', { attribute: name })}>←</button>
                    <button type="button" disabled={i === images.length - 1 || !movable(a) || !movable(images[i + 1])}
                      onClick={() => swap(a, images[i + 1])} aria-label={t('product.moveRight', { attribute: name })}>→</button>
                    {mainImage && !main && images[0]?.code === mainImage && (
                      <button type="button" disabled={!current(a) || !movable(a) || !movable(images[0])}
                        onClick={() => swap(a, images[0])} aria-label={t('product.makeMainOf', { attribute: name })}>{t('product.makeMain')}</button>
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        </fieldset>
      )}
      {byGroup.map(({ group, list }) => (
        <fieldset class="group" key={group.code}>
          <legend>{label(group.labels, group.code)}</legend>
          {list.map(field)}
        </fieldset>
      ))}
      {ungrouped.length > 0 && (
        <fieldset class="group">
          <legend>{t('product.otherGroup')}</legend>
          {ungrouped.map(field)}
        </fieldset>
      )}
    </div>
  );
}
