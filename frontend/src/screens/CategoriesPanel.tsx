// A product's or product model's own categories (add, remove) and those it inherits.

import { useMemo, useState } from 'preact/hooks';
import { categoryList, useCatalog } from '../catalog';
import { t } from '../i18n';

export function CategoriesPanel({ own, inherited, onChange, disabled = false }: {
  own: string[];
  inherited: string[];
  onChange: (codes: string[]) => void;
  disabled?: boolean;
}) {
  const { structure } = useCatalog();
  const all = useMemo(() => categoryList(structure), [structure]);
  const [adding, setAdding] = useState('');
  const path = (code: string) => all.find((x) => x.code === code)?.path ?? code;
  return (
    <section aria-labelledby="categories-title">
      <h2 id="categories-title">{t('product.categories')}</h2>
      <ul class="chips">
        {own.map((c) => (
          <li key={c}>
            {path(c)}
            <button type="button" class="link" aria-label={`${t('common.remove')} ${c}`} disabled={disabled}
              onClick={() => onChange(own.filter((x) => x !== c))}>×</button>
          </li>
        ))}
      </ul>
      {inherited.length > 0 && <p class="hint">{t('product.inheritedCategories', { codes: inherited.join(', ') })}</p>}
      <label class="inline">
        <span>{t('product.addCategory')}</span>
        <select value={adding} disabled={disabled} onChange={(e) => setAdding(e.currentTarget.value)}>
          <option value="">{t('widget.noOption')}</option>
          {all.filter((c) => !own.includes(c.code)).map((c) => (
            <option value={c.code} key={c.code}>{c.path}</option>
          ))}
        </select>
      </label>
      <button type="button" disabled={disabled || !adding}
        onClick={() => { onChange([...own, adding]); setAdding(''); }}>
        {t('common.add')}
      </button>
    </section>
  );
}
