// The mapping editor: one row per column of the supplier's file, saying what it fills — the
// SKU, family, categories, status, an attribute (with its locale, channel, currency or unit and
// a dictionary of the supplier's words, and the transforms applied to the cell first), or
// nothing (ignored on purpose). Below, the sources that read no single column: templates and
// constants (ImportSources). It edits the profile document itself, so what the editor does not
// show (date formats, unit columns, separators …) is kept.

import { label, useCatalog } from '../catalog';
import type { FieldProblem } from '../api/client';
import type { Profile, Source, ValueMapping } from '../api/imports';
import { problemFailure, ServerMessage } from '../errors';
import { t } from '../i18n';
import { clean, MappingDetails, newMapping } from './ImportDetails';
import { OtherSources } from './ImportSources';
import { TransformsEditor } from './ImportTransforms';

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

export function MappingEditor({ header, profile, onChange, problems = [] }: {
  header: string[];
  profile: Profile;
  onChange: (p: Profile) => void;
  /** The last save's problems, by place in the profile (`profile.values.3`, `profile.sku`). */
  problems?: FieldProblem[];
}) {
  const { structure } = useCatalog();
  const problemAt = (field: string) => problems.find((p) => p.field === field);
  const attributes = structure.attributes.filter((a) => a.type !== 'IDENTIFIER');

  const setTarget = (column: string, target: string) => {
    const next = withoutColumn(profile, column);
    if (target === 'ignore') next.ignore = [...(next.ignore ?? []), column];
    else if (target.startsWith('prop:')) next[target.slice(5) as Property] = { column };
    else if (target.startsWith('attr:')) next.values = [...(next.values ?? []), newMapping(structure, target.slice(5), { column })];
    onChange(next);
  };
  const setMapping = (column: string, change: Partial<ValueMapping>) => {
    onChange({
      ...profile,
      values: (profile.values ?? []).map((v) => (v.column === column ? clean({ ...v, ...change }) : v)),
    });
  };
  const setSource = (p: Property, change: Partial<Source>) => {
    onChange({ ...profile, [p]: clean({ ...(profile[p] as Source), ...change }) });
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
            <th scope="col">{t('imports.transforms')}</th>
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
            const place = mapping ? `profile.values.${profile.values!.indexOf(mapping)}` : property ? `profile.${property}` : '';
            const problem = place ? problemAt(place) : undefined;
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
                <td>
                  {mapping && <MappingDetails mapping={mapping} attribute={attribute} onChange={(change) => setMapping(column, change)} />}
                  {problem && <ServerMessage failure={problemFailure(problem)} class="field-error" inline />}
                </td>
                <td>
                  {(mapping || property) && (
                    <TransformsEditor of={t('imports.columnNamed', { column })}
                      transforms={mapping ? mapping.transforms : (profile[property!] as Source).transforms}
                      onChange={(transforms) => mapping ? setMapping(column, { transforms }) : setSource(property!, { transforms })} />
                  )}
                </td>
                <td>
                  {(mapping || (property && property !== 'sku')) && (
                    <textarea rows={2} aria-label={t('imports.dictionaryOf', { column })}
                      placeholder={t('imports.dictionaryHint')}
                      value={dictionaryText(mapping ? mapping.dictionary : (profile[property!] as Source).dictionary)}
                      onChange={(e) => mapping
                        ? setMapping(column, { dictionary: parseDictionary(e.currentTarget.value) })
                        : setSource(property!, { dictionary: parseDictionary(e.currentTarget.value) })} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <OtherSources profile={profile} onChange={onChange} problemAt={problemAt} />
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
