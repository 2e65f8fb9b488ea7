// Category trees: drag a category onto another to move it there (or choose the new parent from a
// list, for the keyboard); add categories. The server refuses a move below itself.

import { useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import type { Category } from '../api/ops';
import { categoryList, label, useCatalog } from '../catalog';
import { labelLocale, t } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';

export const SAVE_CATEGORY = gql`
  mutation SaveCategory($input: CategoryInput!) { saveCategory(input: $input) { code path } }
`;

export function Categories() {
  const { structure, reload } = useCatalog();
  const { busy, failure, run } = useAction();
  const [dragged, setDragged] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [moving, setMoving] = useState<string | null>(null);
  const [draft, setDraft] = useState({ code: '', parent: '', label: '' });
  const list = categoryList(structure);
  const byCode = new Map(structure.categories.map((c) => [c.code, c]));

  const move = (code: string, parent: string | null) => {
    const c = byCode.get(code);
    if (!c || code === parent) return;
    run(async () => {
      await request(SAVE_CATEGORY, {
        input: { code, parent, sortOrder: c.sortOrder, labels: c.labels.map((l) => ({ locale: l.locale, value: l.value })) },
      });
      await reload();
      setMoving(null);
    });
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(SAVE_CATEGORY, {
        input: {
          code: draft.code,
          parent: draft.parent || null,
          labels: draft.label ? [{ locale: labelLocale(), value: draft.label }] : [],
        },
      });
      await reload();
    });
    if (ok) setDraft({ ...draft, code: '', label: '' });
  };

  const item = (c: Category, depth: number) => (
    <li key={c.code} role="treeitem" aria-level={depth + 1} draggable
      class={`${over === c.code ? 'drop-target' : ''}`}
      style={{ paddingLeft: `${depth * 1.25}rem` }}
      onDragStart={(e) => { setDragged(c.code); e.dataTransfer?.setData('text/plain', c.code); }}
      onDragOver={(e) => { if (dragged && dragged !== c.code) { e.preventDefault(); setOver(c.code); } }}
      onDragLeave={() => setOver(null)}
      onDrop={(e) => { e.preventDefault(); setOver(null); if (dragged) move(dragged, c.code); setDragged(null); }}>
      <span class="tree-label">{label(c.labels, c.code)}</span> <small>{c.code}</small>{' '}
      <button type="button" class="link move" onClick={() => setMoving(moving === c.code ? null : c.code)} aria-expanded={moving === c.code}
        aria-label={t('category.moveTo', { category: c.code })}>
        {t('category.move')}
      </button>
      {moving === c.code && (
        <select aria-label={t('category.moveTo', { category: c.code })} disabled={busy}
          value={c.parent?.code ?? ''}
          onChange={(e) => move(c.code, e.currentTarget.value || null)}>
          <option value="">{t('category.root')}</option>
          {list.filter((x) => x.code !== c.code).map((x) => <option key={x.code} value={x.code}>{x.path}</option>)}
        </select>
      )}
    </li>
  );

  return (
    <div>
      <p class="hint">{t('category.dragHint')}</p>
      <ServerMessage failure={failure} />
      <ul role="tree" aria-label={t('category.tree')} class="tree">
        {list.map((x) => item(byCode.get(x.code)!, x.depth))}
      </ul>
      <form onSubmit={create} class="panel row" aria-label={t('category.new')}>
        <label class="inline"><span>{t('category.new')}</span>
          <input required pattern="[a-zA-Z0-9_]+" value={draft.code} onInput={(e) => setDraft({ ...draft, code: e.currentTarget.value })} /></label>
        <label class="inline"><span>{t('common.labelIn', { locale: labelLocale() })}</span>
          <input value={draft.label} onInput={(e) => setDraft({ ...draft, label: e.currentTarget.value })} /></label>
        <label class="inline"><span>{t('category.parent')}</span>
          <select value={draft.parent} onChange={(e) => setDraft({ ...draft, parent: e.currentTarget.value })}>
            <option value="">{t('category.root')}</option>
            {list.map((x) => <option key={x.code} value={x.code}>{x.path}</option>)}
          </select></label>
        <button type="submit" disabled={busy}>{t('common.add')}</button>
      </form>
    </div>
  );
}
