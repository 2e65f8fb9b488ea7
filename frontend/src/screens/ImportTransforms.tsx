// The transforms of one source of an import profile, applied in order before the dictionary
// (schema/import-profile.schema.json): trim, upper, lower, title case, replace (a regular
// expression and its replacement), prefix, suffix, default (for empty cells) and truncate.
// Each can be changed, moved, removed; new ones are added at the end.

import { useState } from 'preact/hooks';
import type { Transform } from '../api/imports';
import { t, type Key } from '../i18n';

export const OPS = ['trim', 'upper', 'lower', 'title', 'replace', 'prefix', 'suffix', 'default', 'truncate'] as const;
type Op = (typeof OPS)[number];

/** A new transform of `op` with empty parameters. */
function blank(op: Op): Transform {
  switch (op) {
    case 'replace':
      return { op, pattern: '', with: '' };
    case 'prefix':
    case 'suffix':
      return { op, text: '' };
    case 'default':
      return { op, value: '' };
    case 'truncate':
      return { op, max: 100 };
    default:
      return { op };
  }
}

export function TransformsEditor({ of, transforms, onChange }: {
  /** What the transforms belong to, for the controls' names ("column Name EN"). */
  of: string;
  transforms: Transform[] | undefined;
  onChange: (transforms: Transform[] | undefined) => void;
}) {
  const list = transforms ?? [];
  const [adding, setAdding] = useState<Op>('trim');
  const set = (next: Transform[]) => onChange(next.length > 0 ? next : undefined);
  const change = (i: number, x: Transform) => set(list.map((y, j) => (j === i ? x : y)));
  const move = (i: number, delta: number) => {
    const next = list.slice();
    const [x] = next.splice(i, 1);
    next.splice(i + delta, 0, x);
    set(next);
  };
  return (
    <div class="transforms">
      {list.length > 0 && (
        <ol aria-label={t('imports.transformsOf', { of })}>
          {list.map((x, i) => {
            const n = i + 1;
            const param = (key: Key, value: string, update: (v: string) => void, numeric = false) => (
              <input type="text" inputMode={numeric ? 'numeric' : undefined} class={numeric ? 'narrow' : undefined} value={value}
                aria-label={t(key, { n, of })} onInput={(e) => update(e.currentTarget.value)} />
            );
            return (
              <li key={i} data-op={x.op}>
                <select aria-label={t('imports.transformOp', { n, of })} value={x.op}
                  onChange={(e) => change(i, blank(e.currentTarget.value as Op))}>
                  {OPS.map((op) => <option key={op} value={op}>{t(`imports.op.${op}` as Key)}</option>)}
                </select>
                {x.op === 'replace' && (
                  <>
                    {param('imports.transformPattern', x.pattern, (v) => change(i, { ...x, pattern: v }))}
                    {param('imports.transformWith', x.with, (v) => change(i, { ...x, with: v }))}
                  </>
                )}
                {(x.op === 'prefix' || x.op === 'suffix') && param('imports.transformText', x.text, (v) => change(i, { ...x, text: v }))}
                {x.op === 'default' && param('imports.transformValue', x.value, (v) => change(i, { ...x, value: v }))}
                {x.op === 'truncate' &&
                  param('imports.transformMax', String(x.max), (v) => change(i, { ...x, max: Math.max(0, Math.floor(Number(v) || 0)) }), true)}
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)}
                  aria-label={t('imports.transformUp', { n, of })}>↑</button>
                <button type="button" disabled={i === list.length - 1} onClick={() => move(i, 1)}
                  aria-label={t('imports.transformDown', { n, of })}>↓</button>
                <button type="button" onClick={() => set(list.filter((_, j) => j !== i))}
                  aria-label={t('imports.transformRemove', { n, of })}>×</button>
              </li>
            );
          })}
        </ol>
      )}
      <span class="row">
        <select aria-label={t('imports.transformNew', { of })} value={adding}
          onChange={(e) => setAdding(e.currentTarget.value as Op)}>
          {OPS.map((op) => <option key={op} value={op}>{t(`imports.op.${op}` as Key)}</option>)}
        </select>
        <button type="button" onClick={() => set([...list, blank(adding)])}
          aria-label={t('imports.transformAdd', { of })}>{t('imports.addTransform')}</button>
      </span>
    </div>
  );
}
