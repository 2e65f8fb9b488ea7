// Family variants: the levels of each, with their axes and the attributes set at each level.

import { useEffect, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { label, useCatalog } from '../catalog';
import { labelLocale, t } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';

export const FAMILY_VARIANTS = gql`
  query FamilyVariants {
    familyVariants {
      code labels { locale value } family { code }
      levels { level axes { code } attributes { code } }
      commonAttributes { code }
    }
  }
`;

export const SAVE_FAMILY_VARIANT = gql`
  mutation SaveFamilyVariant($input: FamilyVariantInput!) { saveFamilyVariant(input: $input) { code } }
`;

function Multi({ name, options, value, onChange }: {
  name: string;
  options: { code: string; text: string }[];
  value: string[];
  onChange: (codes: string[]) => void;
}) {
  return (
    <label class="inline">
      <span>{name}</span>
      <select multiple size={5} onChange={(e) => onChange(Array.from(e.currentTarget.selectedOptions).map((o) => o.value))}>
        {options.map((o) => <option key={o.code} value={o.code} selected={value.includes(o.code)}>{o.text}</option>)}
      </select>
    </label>
  );
}

/** A new family variant: its family, then for one or two levels the axes that tell variants
 *  apart and the attributes set at that level. */
function NewVariant({ onCreated }: { onCreated: () => void }) {
  const { structure, reload } = useCatalog();
  const [draft, setDraft] = useState({ code: '', family: structure.families[0]?.code ?? '', label: '' });
  const [levels, setLevels] = useState([{ axes: [] as string[], attributes: [] as string[] }, { axes: [] as string[], attributes: [] as string[] }]);
  const { busy, failure, run } = useAction();
  const family = structure.families.find((f) => f.code === draft.family);
  const options = (family?.attributes ?? [])
    .map((a) => structure.attributes.find((x) => x.code === a.code))
    .filter((a) => !!a && a.type !== 'IDENTIFIER')
    .map((a) => ({ code: a!.code, text: label(a!.labels, a!.code) }));
  const axisOptions = options.filter((o) =>
    ['SIMPLE_SELECT', 'BOOLEAN', 'METRIC'].includes(structure.attributes.find((a) => a.code === o.code)?.type ?? ''));
  const setLevel = (i: number, change: Partial<(typeof levels)[number]>) =>
    setLevels(levels.map((l, j) => (j === i ? { ...l, ...change } : l)));
  const identifier = structure.attributes.find((a) => a.type === 'IDENTIFIER')?.code;
  const used = levels.filter((l) => l.axes.length > 0);
  const create = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_FAMILY_VARIANT, {
        input: {
          code: draft.code,
          family: draft.family,
          labels: draft.label ? [{ locale: labelLocale(), value: draft.label }] : [],
          levels: used.map((l, i) => ({
            axes: l.axes,
            // A level holds its axes; the last level (the variant products) holds the identifier.
            attributes: Array.from(new Set([...l.axes, ...l.attributes, ...(i === used.length - 1 && identifier ? [identifier] : [])])),
          })),
        },
      });
      await reload();
    });
    if (ok) onCreated();
  };
  return (
    <form class="panel" onSubmit={create} aria-labelledby="new-variant">
      <h2 id="new-variant">{t('variant.new')}</h2>
      <div class="row">
        <label class="inline"><span>{t('common.code')}</span>
          <input required pattern="[a-zA-Z0-9_]+" value={draft.code} onInput={(e) => setDraft({ ...draft, code: e.currentTarget.value })} /></label>
        <label class="inline"><span>{t('common.labelIn', { locale: labelLocale() })}</span>
          <input value={draft.label} onInput={(e) => setDraft({ ...draft, label: e.currentTarget.value })} /></label>
        <label class="inline"><span>{t('settings.families')}</span>
          <select value={draft.family} onChange={(e) => { setDraft({ ...draft, family: e.currentTarget.value }); setLevels(levels.map(() => ({ axes: [], attributes: [] }))); }}>
            {structure.families.map((f) => <option key={f.code} value={f.code}>{label(f.labels, f.code)}</option>)}
          </select></label>
      </div>
      {levels.map((level, i) => (
        <div class="row" key={i}>
          <Multi name={t('variant.axes', { level: i + 1 })} options={axisOptions} value={level.axes} onChange={(axes) => setLevel(i, { axes })} />
          <Multi name={t('variant.levelAttributes', { level: i + 1 })} options={options} value={level.attributes}
            onChange={(attributes) => setLevel(i, { attributes })} />
        </div>
      ))}
      <button type="submit" disabled={busy}>{t('common.add')}</button>
      <ServerMessage failure={failure} />
    </form>
  );
}

interface Variant {
  code: string;
  labels: { locale: string; value: string }[];
  family: { code: string } | null;
  levels: { level: number; axes: { code: string }[]; attributes: { code: string }[] }[];
  commonAttributes: { code: string }[];
}

export function FamilyVariants() {
  const [variants, setVariants] = useState<Variant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loads, setLoads] = useState(0);
  useEffect(() => {
    request<{ familyVariants: Variant[] }>(FAMILY_VARIANTS).then((d) => setVariants(d.familyVariants)).catch((e: Error) => setError(e.message));
  }, [loads]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!variants) return <p>{t('app.loading')}</p>;
  return (
    <div>
    <table class="list">
      <thead>
        <tr>
          <th scope="col">{t('common.code')}</th>
          <th scope="col">{t('common.label')}</th>
          <th scope="col">{t('settings.families')}</th>
          <th scope="col">{t('variant.common')}</th>
          <th scope="col">{t('variant.levels')}</th>
        </tr>
      </thead>
      <tbody>
        {variants.map((v) => (
          <tr key={v.code}>
            <td>{v.code}</td>
            <td>{label(v.labels, v.code)}</td>
            <td>{v.family?.code}</td>
            <td>{v.commonAttributes.map((a) => a.code).join(', ')}</td>
            <td>
              <ul>
                {v.levels.map((l) => (
                  <li key={l.level}>
                    {t('variant.level', {
                      level: l.level,
                      axes: l.axes.map((a) => a.code).join(', '),
                      attributes: l.attributes.map((a) => a.code).join(', '),
                    })}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    <NewVariant onCreated={() => setLoads(loads + 1)} />
    </div>
  );
}
