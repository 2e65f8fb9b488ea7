// What an attribute value of an import profile needs besides its source: the locale, channel,
// currency or unit, as the attribute asks. Shared by the column rows of the mapping editor and
// its template and constant sources.

import type { Attribute, Structure } from '../api/ops';
import type { ValueMapping } from '../api/imports';
import { useCatalog } from '../catalog';
import { t } from '../i18n';

/** The choices with the current value among them (a supplier account does not see the structure). */
export function withCurrent(choices: string[], current: string | undefined): string[] {
  return current && !choices.includes(current) ? [current, ...choices] : choices;
}

/** The object without undefined or empty-string fields. */
export function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** A new value mapping of attribute `code` from `source`, with the first locale, channel or
 *  currency the attribute needs. */
export function newMapping(structure: Structure, code: string, source: Partial<ValueMapping>): ValueMapping {
  const a = structure.attributes.find((x) => x.code === code);
  const mapping: ValueMapping = { attribute: code, ...source };
  if (a?.localizable) mapping.locale = structure.locales[0]?.code;
  if (a?.scopable) mapping.scope = structure.channels[0]?.code;
  if (a?.type === 'PRICE_COLLECTION') mapping.currency = structure.currencies[0]?.code;
  return clean(mapping);
}

export function MappingDetails({ mapping, attribute, onChange }: {
  mapping: ValueMapping;
  attribute: Attribute | undefined;
  onChange: (change: Partial<ValueMapping>) => void;
}) {
  const { structure } = useCatalog();
  const locales = structure.locales.map((l) => l.code);
  const channels = structure.channels.map((c) => c.code);
  const currencies = structure.currencies.map((c) => c.code);
  return (
    <div class="row">
      {(attribute?.localizable || mapping.locale) && (
        <label class="inline"><span>{t('prefs.locale')}</span>
          <select value={mapping.locale ?? ''} onChange={(e) => onChange({ locale: e.currentTarget.value })}>
            {withCurrent(locales, mapping.locale).map((l) => <option key={l} value={l}>{l}</option>)}
          </select></label>
      )}
      {(attribute?.scopable || mapping.scope) && (
        <label class="inline"><span>{t('prefs.channel')}</span>
          <select value={mapping.scope ?? ''} onChange={(e) => onChange({ scope: e.currentTarget.value })}>
            {withCurrent(channels, mapping.scope).map((c) => <option key={c} value={c}>{c}</option>)}
          </select></label>
      )}
      {(attribute?.type === 'PRICE_COLLECTION' || mapping.currency) && (
        <label class="inline"><span>{t('imports.currency')}</span>
          <select value={mapping.currency ?? ''} onChange={(e) => onChange({ currency: e.currentTarget.value })}>
            {withCurrent(currencies, mapping.currency).map((c) => <option key={c} value={c}>{c}</option>)}
          </select></label>
      )}
      {(attribute?.type === 'METRIC' || mapping.unit) && (
        <label class="inline"><span>{t('imports.unit')}</span>
          <select value={mapping.unit ?? ''} onChange={(e) => onChange({ unit: e.currentTarget.value || undefined })}>
            <option value="">{t('imports.unitFromCell', { unit: attribute?.defaultUnit ?? '' })}</option>
            {(attribute?.metricFamily?.units ?? []).map((u) => <option key={u.code} value={u.code}>{u.code} ({u.symbol})</option>)}
            {mapping.unit && !attribute?.metricFamily?.units.some((u) => u.code === mapping.unit) && (
              <option value={mapping.unit}>{mapping.unit}</option>
            )}
          </select></label>
      )}
    </div>
  );
}
