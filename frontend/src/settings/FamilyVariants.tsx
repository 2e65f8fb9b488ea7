// Family variants: the levels of each, with their axes and the attributes set at each level.
// New ones, and existing ones edited: labels in every locale and the attributes of each level.
// The API keeps an existing variant's family and axes (its product models are split by them),
// so the editor shows those without letting them change; deleting is refused while product
// models use the variant, with the server's message.

import { useEffect, useState } from 'preact/hooks';
import { gql, request, type FieldProblem } from '../api/client';
import type { Label } from '../api/ops';
import { label, useCatalog } from '../catalog';
import { problemFailure, ServerMessage } from '../errors';
import { t } from '../i18n';
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

export const DELETE_FAMILY_VARIANT = gql`
  mutation DeleteFamilyVariant($code: String!) { deleteFamilyVariant(code: $code) }
`;

interface Variant {
  code: string;
  labels: Label[];
  family: { code: string } | null;
  levels: { level: number; axes: { code: string }[]; attributes: { code: string }[] }[];
  commonAttributes: { code: string }[];
}

interface Level {
  axes: string[];
  attributes: string[];
}

function Multi({ name, options, value, onChange, disabled, error, id }: {
  name: string;
  options: { code: string; text: string }[];
  value: string[];
  onChange: (codes: string[]) => void;
  disabled?: boolean;
  error?: FieldProblem;
  id: string;
}) {
  return (
    <span class="multi">
      <label class="inline">
        <span>{name}</span>
        <select multiple size={5} disabled={disabled} aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange(Array.from(e.currentTarget.selectedOptions).map((o) => o.value))}>
          {options.map((o) => <option key={o.code} value={o.code} selected={value.includes(o.code)}>{o.text}</option>)}
        </select>
      </label>
      {error && <ServerMessage failure={problemFailure(error)} id={`${id}-error`} class="field-error" inline />}
    </span>
  );
}

/** A variant's form: code, family and axes when new; labels and each level's attributes always.
 *  A level holds its axes; the last level (the variant products) holds the identifier, as the
 *  API requires — both are added on saving. */
function VariantForm({ variant, onChanged, onClose }: {
  variant: Variant | null;
  /** After a save or delete: the list reloads. */
  onChanged: () => void;
  /** Closes an existing variant's form. */
  onClose?: () => void;
}) {
  const { structure, reload } = useCatalog();
  const editing = variant !== null;
  const identifier = structure.attributes.find((a) => a.type === 'IDENTIFIER')?.code;
  const [code, setCode] = useState(variant?.code ?? '');
  const [family, setFamily] = useState(variant?.family?.code ?? structure.families[0]?.code ?? '');
  const [labels, setLabels] = useState<Label[]>(variant?.labels ?? []);
  const [levels, setLevels] = useState<Level[]>(
    variant
      ? variant.levels.map((l) => {
          const axes = l.axes.map((a) => a.code);
          return { axes, attributes: l.attributes.map((a) => a.code).filter((a) => !axes.includes(a) && a !== identifier) };
        })
      : [{ axes: [], attributes: [] }, { axes: [], attributes: [] }],
  );
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const { busy, failure, problems, run } = useAction();
  const familyObj = structure.families.find((f) => f.code === family);
  const options = (familyObj?.attributes ?? [])
    .map((a) => structure.attributes.find((x) => x.code === a.code))
    .filter((a) => !!a && a.type !== 'IDENTIFIER')
    .map((a) => ({ code: a!.code, text: label(a!.labels, a!.code) }));
  const axisOptions = options.filter((o) =>
    ['SIMPLE_SELECT', 'BOOLEAN', 'METRIC'].includes(structure.attributes.find((a) => a.code === o.code)?.type ?? ''));
  const setLevel = (i: number, change: Partial<Level>) => {
    setLevels(levels.map((l, j) => (j === i ? { ...l, ...change } : l)));
    setSaved(false);
  };
  const setLabel = (locale: string, value: string) => {
    const rest = labels.filter((l) => l.locale !== locale);
    setLabels(value ? [...rest, { locale, value }] : rest);
    setSaved(false);
  };
  const problemOf = (field: string) => problems.find((p) => p.field === field);
  // Problems shown next to a level's fields are not repeated below the form.
  const placed = (p: FieldProblem) => /^levels\.\d+\.(axes|attributes)$/.test(p.field);
  const used = editing ? levels : levels.filter((l) => l.axes.length > 0);
  const title = editing ? t('variant.edit', { code }) : t('variant.new');
  const formId = editing ? `edit-variant-${code}` : 'new-variant';

  const save = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_FAMILY_VARIANT, {
        input: {
          code,
          family,
          labels: labels.filter((l) => l.value.trim() !== ''),
          levels: used.map((l, i) => ({
            axes: l.axes,
            attributes: Array.from(new Set([...l.axes, ...l.attributes, ...(i === used.length - 1 && identifier ? [identifier] : [])])),
          })),
        },
      });
      await reload();
    });
    setSaved(ok && editing);
    if (ok) onChanged();
  };
  const remove = async () => {
    const ok = await run(async () => {
      await request(DELETE_FAMILY_VARIANT, { code });
      await reload();
    });
    setConfirming(false);
    if (ok) {
      onChanged();
      onClose?.();
    }
  };

  return (
    <form class="panel" onSubmit={save} aria-labelledby={formId}>
      <h2 id={formId}>{title}</h2>
      <div class="row">
        <label class="inline"><span>{t('common.code')}</span>
          <input required pattern="[a-zA-Z0-9_]+" value={code} disabled={editing} onInput={(e) => setCode(e.currentTarget.value)} /></label>
        <label class="inline"><span>{t('settings.families')}</span>
          <select value={family} disabled={editing}
            onChange={(e) => { setFamily(e.currentTarget.value); setLevels(levels.map(() => ({ axes: [], attributes: [] }))); }}>
            {structure.families.map((f) => <option key={f.code} value={f.code}>{label(f.labels, f.code)}</option>)}
          </select></label>
      </div>
      <div class="row">
        {structure.locales.map((l) => (
          <label class="inline" key={l.code}>
            <span>{t('common.labelIn', { locale: l.code })}</span>
            <input value={labels.find((x) => x.locale === l.code)?.value ?? ''} onInput={(e) => setLabel(l.code, e.currentTarget.value)} />
          </label>
        ))}
      </div>
      {editing && <p class="hint">{t('variant.axesFixed')}</p>}
      {levels.map((level, i) => (
        <div class="row" key={i} data-level={i + 1}>
          <Multi id={`${formId}-axes-${i}`} name={t('variant.axes', { level: i + 1 })} options={axisOptions} value={level.axes}
            disabled={editing} error={problemOf(`levels.${i}.axes`)} onChange={(axes) => setLevel(i, { axes })} />
          <Multi id={`${formId}-attributes-${i}`} name={t('variant.levelAttributes', { level: i + 1 })}
            options={options.filter((o) => !level.axes.includes(o.code))} value={level.attributes}
            error={problemOf(`levels.${i}.attributes`)} onChange={(attributes) => setLevel(i, { attributes })} />
        </div>
      ))}
      <div class="row">
        <button type="submit" disabled={busy}>{editing ? t('common.save') : t('common.add')}</button>
        {editing && <button type="button" onClick={onClose}>{t('common.close')}</button>}
        {editing && (confirming ? (
          <button type="button" class="danger" disabled={busy} onClick={remove}>{t('variant.confirmDelete', { code })}</button>
        ) : (
          <button type="button" disabled={busy} onClick={() => setConfirming(true)}>{t('variant.delete')}</button>
        ))}
        {saved && <span role="status" class="ok">{t('common.saved')}</span>}
      </div>
      {failure && !(problems.length > 0 && problems.every(placed)) && <ServerMessage failure={failure} />}
    </form>
  );
}

export function FamilyVariants() {
  const { structure } = useCatalog();
  const [variants, setVariants] = useState<Variant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loads, setLoads] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  useEffect(() => {
    request<{ familyVariants: Variant[] }>(FAMILY_VARIANTS).then((d) => setVariants(d.familyVariants)).catch((e: Error) => setError(e.message));
  }, [loads, structure]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!variants) return <p>{t('app.loading')}</p>;
  const current = variants.find((v) => v.code === editing) ?? null;
  return (
    <div>
      {current && (
        <VariantForm variant={current} key={current.code}
          onChanged={() => setLoads((n) => n + 1)} onClose={() => setEditing(null)} />
      )}
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
            <tr key={v.code} data-variant={v.code}>
              <td>
                <button type="button" class="link" aria-expanded={editing === v.code}
                  onClick={() => setEditing(editing === v.code ? null : v.code)}>{v.code}</button>
              </td>
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
      <VariantForm variant={null} key={`new-${loads}`} onChanged={() => setLoads((n) => n + 1)} />
    </div>
  );
}
