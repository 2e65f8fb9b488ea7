// Families: their attributes (add, remove) and which of them each channel requires for
// completeness; new families.

import { useEffect, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { label, useCatalog } from '../catalog';
import { labelLocale, t } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';

export const SAVE_FAMILY = gql`
  mutation SaveFamily($input: FamilyInput!) { saveFamily(input: $input) { code } }
`;

function NewFamily({ onCreated }: { onCreated: (code: string) => void }) {
  const { structure, reload } = useCatalog();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const { busy, failure, run } = useAction();
  const identifier = structure.attributes.find((a) => a.type === 'IDENTIFIER')?.code;
  const create = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_FAMILY, {
        input: {
          code,
          labels: name ? [{ locale: labelLocale(), value: name }] : [],
          attributes: identifier ? [identifier] : [],
          requirements: [],
        },
      });
      await reload();
    });
    if (ok) onCreated(code);
  };
  return (
    <form class="panel row" onSubmit={create} aria-labelledby="new-family">
      <h2 id="new-family">{t('family.new')}</h2>
      <label class="inline"><span>{t('common.code')}</span>
        <input required pattern="[a-zA-Z0-9_]+" value={code} onInput={(e) => setCode(e.currentTarget.value)} /></label>
      <label class="inline"><span>{t('common.labelIn', { locale: labelLocale() })}</span>
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
      <button type="submit" disabled={busy}>{t('common.add')}</button>
      <ServerMessage failure={failure} />
    </form>
  );
}

export function Families() {
  const { structure, reload } = useCatalog();
  const [code, setCode] = useState(structure.families[0]?.code ?? '');
  const family = structure.families.find((f) => f.code === code);
  const [members, setMembers] = useState<string[]>([]);
  const [required, setRequired] = useState<Record<string, string[]>>({});
  const [adding, setAdding] = useState('');
  const { busy, failure, run } = useAction();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setMembers((family?.attributes ?? []).map((a) => a.code));
    setRequired(Object.fromEntries((family?.requirements ?? []).map((r) => [r.channel, r.attributes.map((a) => a.code)])));
    setSaved(false);
  }, [family]);

  const picker = (
    <label class="inline">
      <span>{t('settings.families')}</span>
      <select value={code} onChange={(e) => setCode(e.currentTarget.value)}>
        {structure.families.map((f) => <option key={f.code} value={f.code}>{label(f.labels, f.code)} ({f.code})</option>)}
      </select>
    </label>
  );
  if (!family) return <div>{picker}<NewFamily onCreated={setCode} /></div>;

  const byCode = new Map(structure.attributes.map((a) => [a.code, a]));
  // The identifier and the attributes the family names its products and images by stay.
  const fixed = new Set([
    ...structure.attributes.filter((a) => a.type === 'IDENTIFIER').map((a) => a.code),
    family.labelAttribute ?? '',
    family.imageAttribute ?? '',
  ]);
  const changed = () => setSaved(false);
  const toggle = (channel: string, attribute: string) => {
    const list = required[channel] ?? [];
    setRequired({ ...required, [channel]: list.includes(attribute) ? list.filter((a) => a !== attribute) : [...list, attribute] });
    changed();
  };
  const removeMember = (attribute: string) => {
    setMembers(members.filter((m) => m !== attribute));
    setRequired(Object.fromEntries(Object.entries(required).map(([c, list]) => [c, list.filter((a) => a !== attribute)])));
    changed();
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_FAMILY, {
        input: {
          code: family.code,
          labels: family.labels.map((l) => ({ locale: l.locale, value: l.value })),
          attributes: members,
          labelAttribute: family.labelAttribute,
          imageAttribute: family.imageAttribute,
          requirements: structure.channels.map((c) => ({ channel: c.code, attributes: required[c.code] ?? [] })),
        },
      });
      await reload();
    });
    setSaved(ok);
  };
  return (
    <div>
      <form onSubmit={save}>
        {picker}
        <table class="list matrix">
          <caption>{t('family.requirements')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('family.attributes')}</th>
              {structure.channels.map((c) => <th scope="col" key={c.code}>{label(c.labels, c.code)}</th>)}
              <th scope="col"><span class="sr-only">{t('common.remove')}</span></th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => byCode.get(m)).filter((a) => !!a).map((a) => (
              <tr key={a.code}>
                <th scope="row">{label(a.labels, a.code)} <small>{a.code}</small></th>
                {structure.channels.map((c) => (
                  <td key={c.code}>
                    <input type="checkbox" checked={(required[c.code] ?? []).includes(a.code)}
                      aria-label={t('family.required', { attribute: a.code, channel: c.code })}
                      onChange={() => toggle(c.code, a.code)} />
                  </td>
                ))}
                <td>
                  {!fixed.has(a.code) && (
                    <button type="button" class="link" aria-label={t('family.removeAttribute', { attribute: a.code })}
                      onClick={() => removeMember(a.code)}>×</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="row">
          <label class="inline">
            <span>{t('family.addAttribute')}</span>
            <select value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
              <option value="">{t('widget.noOption')}</option>
              {structure.attributes.filter((a) => !members.includes(a.code)).map((a) => (
                <option key={a.code} value={a.code}>{label(a.labels, a.code)} ({a.code})</option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!adding} onClick={() => { setMembers([...members, adding]); setAdding(''); changed(); }}>
            {t('common.add')}
          </button>
          <button type="submit" disabled={busy}>{t('common.save')}</button>
          {saved && <span role="status" class="ok">{t('common.saved')}</span>}
        </div>
        <ServerMessage failure={failure} />
      </form>
      <NewFamily onCreated={setCode} />
    </div>
  );
}
