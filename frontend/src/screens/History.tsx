// A product's or product model's history from the change log, newest first: who changed which field, before and after.

import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/client';
import { HISTORY, type Change } from '../api/ops';
import { t } from '../i18n';

function show(data: unknown): string {
  if (data === null || data === undefined) return '';
  return typeof data === 'string' ? data : JSON.stringify(data);
}

// Whole documents (a product's first values) are long; the full text stays in the tooltip.
function Cell({ data, class: cls }: { data: unknown; class: string }) {
  const text = show(data);
  return <td class={cls} title={text.length > 160 ? text : undefined}>{text.length > 160 ? `${text.slice(0, 160)}…` : text}</td>;
}

export function History({ entity, code, version }: { entity: 'product' | 'product_model'; code: string; version: number }) {
  const [changes, setChanges] = useState<Change[] | null>(null);
  useEffect(() => {
    request<{ changes: { changes: Change[] } }>(HISTORY, { entity, code })
      .then((d) => setChanges(d.changes.changes.slice().reverse()))
      .catch(() => setChanges([]));
  }, [entity, code, version]);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('product.history')}</h2>
      {changes === null && <p>{t('app.loading')}</p>}
      {changes?.length === 0 && <p>{t('product.noHistory')}</p>}
      <ol class="history">
        {changes?.map((c) => (
          <li key={c.seq}>
            <div class="history-head">
              <time dateTime={c.at}>{c.at.replace('T', ' ').slice(0, 19)}</time> · {c.actor} · {c.source} · {c.operation}
            </div>
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">{t('history.field')}</th>
                  <th scope="col">{t('history.before')}</th>
                  <th scope="col">{t('history.after')}</th>
                </tr>
              </thead>
              <tbody>
                {(Array.isArray(c.fields) ? c.fields : []).map((f, i) => (
                  <tr key={i}>
                    <td>{[f.field, f.scope, f.locale].filter(Boolean).join(' · ')}</td>
                    <Cell class="before" data={f.before} />
                    <Cell class="after" data={f.after} />
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ol>
    </section>
  );
}
