// Sources of an import profile that read no single column: a template joining columns
// (`{Brand} {Model}`) or a constant, the same for every row — for an attribute value or for the
// SKU, categories, status or product model. Each with its transforms; new ones added below.
// (The family of every row, a constant, has its own choice under the table.)

import { useState } from 'preact/hooks';
import type { FieldProblem } from '../api/client';
import type { Profile, Source, ValueMapping } from '../api/imports';
import { problemFailure, ServerMessage } from '../errors';
import { label, useCatalog } from '../catalog';
import { t } from '../i18n';
import { clean, MappingDetails, newMapping } from './ImportDetails';
import { TransformsEditor } from './ImportTransforms';

export const SOURCE_PROPERTIES = ['sku', 'categories', 'enabled', 'parent'] as const;
type SourceProperty = (typeof SOURCE_PROPERTIES)[number];
type Kind = 'template' | 'value';

/** `clean`, except that an emptied template or constant stays one (its kind is its key). */
function tidy<T extends Source>(source: T): T {
  const kind = kindOf(source);
  return { ...clean(source), [kind]: source[kind] ?? '' };
}

function kindOf(source: Source): Kind {
  return source.template !== undefined ? 'template' : 'value';
}

/** The source with its text as a template or a constant. */
function withText(source: Source, kind: Kind, text: string): Source {
  const { template: _t, value: _v, column: _c, ...rest } = source;
  return { ...rest, [kind]: text };
}

function SourceFields({ of, source, onChange }: { of: string; source: Source; onChange: (s: Source) => void }) {
  const kind = kindOf(source);
  const text = String(source[kind] ?? '');
  return (
    <>
      <label class="inline"><span>{t('imports.sourceKind')}</span>
        <select aria-label={t('imports.sourceKindOf', { of })} value={kind}
          onChange={(e) => onChange(withText(source, e.currentTarget.value as Kind, text))}>
          <option value="template">{t('imports.kind.template')}</option>
          <option value="value">{t('imports.kind.value')}</option>
        </select></label>
      <label class="inline"><span>{kind === 'template' ? t('imports.template') : t('imports.constant')}</span>
        <input aria-label={t(kind === 'template' ? 'imports.templateOf' : 'imports.constantOf', { of })} value={text}
          placeholder={kind === 'template' ? t('imports.templateHint') : undefined}
          onInput={(e) => onChange(withText(source, kind, e.currentTarget.value))} /></label>
    </>
  );
}

function Problem({ problem }: { problem: FieldProblem | undefined }) {
  return problem ? <ServerMessage failure={problemFailure(problem)} class="field-error" inline /> : null;
}

export function OtherSources({ profile, onChange, problemAt }: {
  profile: Profile;
  onChange: (p: Profile) => void;
  /** The last save's problem at a place of the profile (`profile.values.3`). */
  problemAt: (field: string) => FieldProblem | undefined;
}) {
  const { structure } = useCatalog();
  const attributes = structure.attributes.filter((a) => a.type !== 'IDENTIFIER');
  const [target, setTarget] = useState('');
  const [kind, setKind] = useState<Kind>('template');
  const [text, setText] = useState('');
  const values = (profile.values ?? []).map((v, index) => ({ v, index })).filter(({ v }) => v.column === undefined);
  const properties = SOURCE_PROPERTIES.filter((p) => {
    const s = profile[p] as Source | undefined;
    return s && s.column === undefined;
  });
  const free = SOURCE_PROPERTIES.filter((p) => !profile[p]);
  const nameOf = (v: ValueMapping) => {
    const a = structure.attributes.find((x) => x.code === v.attribute);
    return [a ? label(a.labels, a.code) : v.attribute, v.locale, v.scope, v.currency].filter(Boolean).join(' ');
  };
  const setValue = (index: number, next: ValueMapping) =>
    onChange({ ...profile, values: (profile.values ?? []).map((v, i) => (i === index ? tidy(next) : v)) });
  const add = (e: Event) => {
    e.preventDefault();
    const source = { [kind]: text };
    if (target.startsWith('prop:')) onChange({ ...profile, [target.slice(5)]: source });
    else if (target.startsWith('attr:')) {
      onChange({ ...profile, values: [...(profile.values ?? []), newMapping(structure, target.slice(5), source)] });
    }
    setTarget('');
    setText('');
  };

  return (
    <div class="other-sources">
      <table class="list">
        <caption>{t('imports.otherSources')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('imports.mapsTo')}</th>
            <th scope="col">{t('imports.source')}</th>
            <th scope="col">{t('imports.details')}</th>
            <th scope="col">{t('imports.transforms')}</th>
            <th scope="col"><span class="sr-only">{t('attr.optionActions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {properties.map((p) => {
            const of = t(`imports.prop.${p}`);
            const source = profile[p] as Source;
            return (
              <tr key={p} data-source={`prop:${p}`}>
                <th scope="row">{of}</th>
                <td><div class="row"><SourceFields of={of} source={source} onChange={(s) => onChange({ ...profile, [p]: s })} /></div></td>
                <td><Problem problem={problemAt(`profile.${p}`)} /></td>
                <td><TransformsEditor of={of} transforms={source.transforms}
                  onChange={(transforms) => onChange({ ...profile, [p]: tidy({ ...source, transforms }) })} /></td>
                <td><button type="button" aria-label={t('imports.removeSource', { of })}
                  onClick={() => { const next = { ...profile }; delete next[p as SourceProperty]; onChange(next); }}>×</button></td>
              </tr>
            );
          })}
          {values.map(({ v, index }) => {
            const of = nameOf(v);
            const attribute = structure.attributes.find((a) => a.code === v.attribute);
            return (
              <tr key={`v${index}`} data-source={`attr:${v.attribute}`} data-index={index}>
                <th scope="row">{of}</th>
                <td><div class="row"><SourceFields of={of} source={v} onChange={(s) => setValue(index, s as ValueMapping)} /></div></td>
                <td>
                  <MappingDetails mapping={v} attribute={attribute} onChange={(change) => setValue(index, { ...v, ...change })} />
                  <Problem problem={problemAt(`profile.values.${index}`)} />
                </td>
                <td><TransformsEditor of={of} transforms={v.transforms} onChange={(transforms) => setValue(index, { ...v, transforms })} /></td>
                <td><button type="button" aria-label={t('imports.removeSource', { of })}
                  onClick={() => onChange({ ...profile, values: (profile.values ?? []).filter((_, i) => i !== index) })}>×</button></td>
              </tr>
            );
          })}
          {properties.length + values.length === 0 && (
            <tr><td colSpan={5}>{t('imports.noOtherSources')}</td></tr>
          )}
        </tbody>
      </table>
      <form class="row" onSubmit={add} aria-labelledby="new-source">
        <strong id="new-source">{t('imports.newSource')}</strong>
        <label class="inline"><span>{t('imports.newSourceTarget')}</span>
          <select required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">{t('common.none')}</option>
            {free.map((p) => <option key={p} value={`prop:${p}`}>{t(`imports.prop.${p}`)}</option>)}
            {attributes.map((a) => <option key={a.code} value={`attr:${a.code}`}>{label(a.labels, a.code)} ({a.code})</option>)}
          </select></label>
        <label class="inline"><span>{t('imports.sourceKind')}</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
            <option value="template">{t('imports.kind.template')}</option>
            <option value="value">{t('imports.kind.value')}</option>
          </select></label>
        <label class="inline"><span>{kind === 'template' ? t('imports.template') : t('imports.constant')}</span>
          <input required value={text} placeholder={kind === 'template' ? t('imports.templateHint') : undefined}
            onInput={(e) => setText(e.currentTarget.value)} /></label>
        <button type="submit">{t('common.add')}</button>
      </form>
    </div>
  );
}
