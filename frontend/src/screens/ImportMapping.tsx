// The mapping editor: one row per column of the supplier's file, saying what it fills — the
// SKU, family, categories, status, an attribute (with its locale, channel, currency or unit and
// a dictionary of the supplier's words), or nothing (ignored on purpose). It edits the profile
// document itself, so what the editor cannot show (templates, transforms, constants) is kept.

import { label, useCatalog } from '../catalog';
import type { Profile, Source, ValueMapping } from '../api/imports';
import { t } from '../i18n';

const PROPERTIES = ['sku', 'family', 'categories', 'enabled', 'parent'] as const;
type Property = (typeof PROPERTIES)[number];

/** What one column maps to: `''` unused, `ignore`, `prop:sku`, `attr:name`. */
function targetOf(profile: Profile, column: string): string {
  for (const p of PROPERTIES) if ((profile[p] as Source | undefined)?.column === column) return `prop:${p}`;
  const value = profile.values?.find((v) => v.column === column);
  if (value) return `attr:${value.attribute}`;
  if (profile.ignore?.includes(column)) return 'ignore';
  return '';
}

/** The profile with `column` taken out of every place that reads it. */
function withoutColumn(profile: Profile, column: string): Profile {
  const next: Profile = { ...profile };
  for (const p of PROPERTIES) if ((next[p] as Source | undefined)?.column === column) delete next[p];
  next.values = (next.values ?? []).filter((v) => v.column !== column);
  next.ignore = (next.ignore ?? []).filter((c) => c !== column);
  return next;
}

/** `supplier word = our code` lines to a dictionary and back. */
function dictionaryText(dictionary: Record<string, string> | undefined): string {
  return Object.entries(dictionary ?? {}).map(([from, to]) => `${from} = ${to}`).join('\n');
}
function parseDictionary(text: string): Record<string, string> | undefined {
  const entries = text
    .split('\n')
    .map((line) => line.split('='))
    .filter((parts) => parts.length >= 2 && parts[0].trim())
    .map((parts) => [parts[0].trim(), parts.slice(1).join('=').trim()] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The choices with the current value among them (a supplier account does not see the structure). */
function withCurrent(choices: string[], current: string | undefined): string[] {
  return current && !choices.includes(current) ? [current, ...choices] : choices;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export function MappingEditor({ header, profile, onChange }: { header: string[]; profile: Profile; onChange: (p: Profile) => void }) {
  const { structure } = useCatalog();
  const attributes = structure.attributes.filter((a) => a.type !== 'IDENTIFIER');
  const locales = structure.locales.map((l) => l.code);
  const channels = structure.channels.map((c) => c.code);
  const currencies = structure.currencies.map((c) => c.code);

  const setTarget = (column: string, target: string) => {
    const next = withoutColumn(profile, column);
    if (target === 'ignore') next.ignore = [...(next.ignore ?? []), column];
    else if (target.startsWith('prop:')) next[target.slice(5) as Property] = { column };
    else if (target.startsWith('attr:')) {
      const code = target.slice(5);
      const a = structure.attributes.find((x) => x.code === code);
      const mapping: ValueMapping = { attribute: code, column };
      if (a?.localizable) mapping.locale = locales[0];
      if (a?.scopable) mapping.scope = channels[0];
      if (a?.type === 'PRICE_COLLECTION') mapping.currency = currencies[0];
      next.values = [...(next.values ?? []), mapping];
    }
    onChange(next);
  };
  const setMapping = (column: string, change: Partial<ValueMapping>) => {
    onChange({
      ...profile,
      values: (profile.values ?? []).map((v) => (v.column === column ? clean({ ...v, ...change }) : v)),
    });
  };
  const setSourceDictionary = (p: Property, text: string) => {
    onChange({ ...profile, [p]: clean({ ...(profile[p] as Source), dictionary: parseDictionary(text) }) });
  };
  const familyColumn = (profile.family as Source | undefined)?.column;
  const familyValue = familyColumn ? '' : String((profile.family as Source | undefined)?.value ?? '');

  return (
    <div class="mapping">
      <table class="list">
        <caption>{t('imports.mapping')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('imports.column')}</th>
            <th scope="col">{t('imports.mapsTo')}</th>
            <th scope="col">{t('imports.details')}</th>
            <th scope="col">{t('imports.dictionary')}</th>
          </tr>
        </thead>
        <tbody>
          {header.map((column) => {
            const target = targetOf(profile, column);
            const mapping = target.startsWith('attr:') ? profile.values?.find((v) => v.column === column) : undefined;
            const attribute = mapping ? structure.attributes.find((a) => a.code === mapping.attribute) : undefined;
            const property = target.startsWith('prop:') ? (target.slice(5) as Property) : undefined;
            const known = !target.startsWith('attr:') || attributes.some((a) => `attr:${a.code}` === target);
            return (
              <tr key={column} data-column={column}>
                <th scope="row"><code>{column}</code></th>
                <td>
                  <select aria-label={t('imports.mapsToOf', { column })} value={target}
                    onChange={(e) => setTarget(column, e.currentTarget.value)}>
                    <option value="">{t('imports.unused')}</option>
                    <option value="ignore">{t('imports.ignore')}</option>
                    {PROPERTIES.map((p) => <option key={p} value={`prop:${p}`}>{t(`imports.prop.${p}`)}</option>)}
                    {!known && <option value={target}>{target.slice(5)}</option>}
                    {attributes.map((a) => (
                      <option key={a.code} value={`attr:${a.code}`}>{label(a.labels, a.code)} ({a.code})</option>
                    ))}
                  </select>
                </td>
                <td><div class="row">
                  {mapping && (attribute?.localizable || mapping.locale) && (
                    <label class="inline"><span>{t('prefs.locale')}</span>
                      <select value={mapping.locale ?? ''} onChange={(e) => setMapping(column, { locale: e.currentTarget.value })}>
                        {withCurrent(locales, mapping.locale).map((l) => <option key={l} value={l}>{l}</option>)}
                      </select></label>
                  )}
                  {mapping && (attribute?.scopable || mapping.scope) && (
                    <label class="inline"><span>{t('prefs.channel')}</span>
                      <select value={mapping.scope ?? ''} onChange={(e) => setMapping(column, { scope: e.currentTarget.value })}>
                        {withCurrent(channels, mapping.scope).map((c) => <option key={c} value={c}>{c}</option>)}
                      </select></label>
                  )}
                  {mapping && (attribute?.type === 'PRICE_COLLECTION' || mapping.currency) && (
                    <label class="inline"><span>{t('imports.currency')}</span>
                      <select value={mapping.currency ?? ''} onChange={(e) => setMapping(column, { currency: e.currentTarget.value })}>
                        {withCurrent(currencies, mapping.currency).map((c) => <option key={c} value={c}>{c}</option>)}
                      </select></label>
                  )}
                  {mapping && (attribute?.type === 'METRIC' || mapping.unit) && (
                    <label class="inline"><span>{t('imports.unit')}</span>
                      <select value={mapping.unit ?? ''} onChange={(e) => setMapping(column, { unit: e.currentTarget.value || undefined })}>
                        <option value="">{t('imports.unitFromCell', { unit: attribute?.defaultUnit ?? '' })}</option>
                        {(attribute?.metricFamily?.units ?? []).map((u) => <option key={u.code} value={u.code}>{u.code} ({u.symbol})</option>)}
                        {mapping.unit && !attribute?.metricFamily?.units.some((u) => u.code === mapping.unit) && (
                          <option value={mapping.unit}>{mapping.unit}</option>
                        )}
                      </select></label>
                  )}
                </div></td>
                <td>
                  {(mapping || (property && property !== 'sku')) && (
                    <textarea rows={2} aria-label={t('imports.dictionaryOf', { column })}
                      placeholder={t('imports.dictionaryHint')}
                      value={dictionaryText(mapping ? mapping.dictionary : (profile[property!] as Source).dictionary)}
                      onChange={(e) => mapping
                        ? setMapping(column, { dictionary: parseDictionary(e.currentTarget.value) })
                        : setSourceDictionary(property!, e.currentTarget.value)} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="row">
        {!familyColumn && structure.families.length > 0 && (
          <label class="inline"><span>{t('imports.familyForAll')}</span>
            <select value={familyValue} onChange={(e) => {
              const code = e.currentTarget.value;
              const next = { ...profile };
              if (code) next.family = { value: code };
              else delete next.family;
              onChange(next);
            }}>
              <option value="">{t('common.none')}</option>
              {structure.families.map((f) => <option key={f.code} value={f.code}>{label(f.labels, f.code)}</option>)}
            </select></label>
        )}
        <label class="inline"><span>{t('imports.unknownOptions')}</span>
          <select value={profile.unknown_options ?? 'reject'}
            onChange={(e) => onChange({ ...profile, unknown_options: e.currentTarget.value as 'reject' | 'create' })}>
            <option value="reject">{t('imports.unknown.reject')}</option>
            <option value="create">{t('imports.unknown.create')}</option>
          </select></label>
      </div>
    </div>
  );
}
