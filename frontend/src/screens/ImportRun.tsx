// One import run: its state and live progress (asked every half second while it runs), the
// totals, the rejected rows' CSV, and the kept rows — for a dry run every row with its status
// and field-level changes, for a commit the rejected ones — with their errors by column.

import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/client';
import { IMPORT_ROWS, IMPORT_RUN, type RowOutcome, type Run } from '../api/imports';
import { follow } from '../router';
import { t, type Key } from '../i18n';

const PAGE = 100;

function show(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

type Change = NonNullable<RowOutcome['changes']>[number];

/** Changes with the whole `values` document of a new product spread into one line per value. */
function spread(changes: Change[]): Change[] {
  return changes.flatMap((c) => {
    if (c.field !== 'values' || !c.after || typeof c.after !== 'object' || c.before) return [c];
    return Object.entries(c.after as Record<string, Record<string, Record<string, unknown>>>).flatMap(([attribute, scopes]) =>
      Object.entries(scopes ?? {}).flatMap(([scope, locales]) =>
        Object.entries(locales ?? {}).map(([locale, data]) => ({
          field: attribute,
          scope: scope === '<all_channels>' ? null : scope,
          locale: locale === '<all_locales>' ? null : locale,
          before: null,
          after: data,
        })),
      ),
    );
  });
}

/** Whether the row's product exists: updated or unchanged ones, and created ones once committed. */
function stored(status: string, dryRun: boolean): boolean {
  const s = status.toUpperCase();
  return s === 'UPDATED' || s === 'UNCHANGED' || (s === 'CREATED' && !dryRun);
}

/** The run, asked again every 500 ms until it has finished or failed. */
export function useRun(id: string | null, onDone?: (run: Run) => void): { run: Run | null; error: string | null } {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setRun(null);
    setError(null);
    if (!id) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      try {
        const d = await request<{ import: Run }>(IMPORT_RUN, { id });
        if (stopped) return;
        setRun(d.import);
        if (d.import.state === 'FINISHED' || d.import.state === 'FAILED') onDone?.(d.import);
        else timer = setTimeout(ask, 500);
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
    };
    ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  return { run, error };
}

export function Totals({ run }: { run: Run }) {
  const c = run.counts;
  return (
    <dl class="totals">
      {(['read', 'created', 'updated', 'unchanged', 'rejected'] as const).map((k) => (
        <div key={k} data-count={k}>
          <dt>{t(`imports.count.${k}`)}</dt>
          <dd>{c[k]}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Progress({ run }: { run: Run }) {
  const done = run.state === 'FINISHED' || run.state === 'FAILED';
  const percent = Math.round((done ? 1 : run.progress.fraction) * 100);
  return (
    <div class="run-progress" role="status" aria-live="polite">
      <label class="inline">
        <span>{t(`imports.state.${run.state}`)}</span>
        <progress max={100} value={percent}>{percent}%</progress>
      </label>{' '}
      <span>{percent}%</span>
      {!done && run.progress.rowsPerSecond > 0 && (
        <span> · {t('imports.speed', { rows: Math.round(run.progress.rowsPerSecond) })}</span>
      )}
      {!done && run.progress.etaSeconds != null && <span> · {t('imports.eta', { seconds: Math.ceil(run.progress.etaSeconds) })}</span>}
      {run.error && <p role="alert" class="error">{run.error}</p>}
    </div>
  );
}

/** The kept rows of a finished run, a page at a time. */
export function RunRows({ run }: { run: Run }) {
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<RowOutcome[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = async (afterLine: number, keep: RowOutcome[]) => {
    try {
      const d = await request<{ import: { rows: RowOutcome[] } }>(IMPORT_ROWS, {
        id: run.id, status: status || null, afterLine, first: PAGE,
      });
      setRows([...keep, ...d.import.rows]);
      setMore(d.import.rows.length === PAGE);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    setRows(null);
    load(0, []);
  }, [run.id, run.state, status]);
  return (
    <div class="run-rows">
      <label class="inline"><span>{t('imports.showRows')}</span>
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">{t('imports.allRows')}</option>
          {['CREATED', 'UPDATED', 'UNCHANGED', 'REJECTED'].map((s) => <option key={s} value={s}>{t(`imports.status.${s}` as Key)}</option>)}
        </select></label>
      {error && <p role="alert" class="error">{error}</p>}
      <table class="list import-rows" aria-busy={rows === null ? 'true' : 'false'}>
        <caption>{run.dryRun ? t('imports.preview') : t('imports.keptRows')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('imports.rowStatus')}</th>
            <th scope="col">{t('imports.line')}</th>
            <th scope="col">{t('grid.sku')}</th>
            <th scope="col">{t('imports.changes')}</th>
            <th scope="col">{t('imports.errors')}</th>
          </tr>
        </thead>
        <tbody>
          {rows?.length === 0 && <tr><td colSpan={5}>{t('imports.noRows')}</td></tr>}
          {rows?.map((r) => (
            <tr key={r.line} data-line={r.line} data-status={r.status.toUpperCase()}>
              <td><span class={`badge status-${r.status.toUpperCase()}`}>{t(`imports.status.${r.status.toUpperCase()}` as 'imports.status.CREATED')}</span></td>
              <td>{r.line}</td>
              <td>{stored(r.status, run.dryRun)
                ? <a href={`/products/${encodeURIComponent(r.sku)}`} onClick={follow}>{r.sku}</a> : r.sku}</td>
              <td>
                {(r.changes ?? []).length > 0 && (
                  <ul class="changes">
                    {spread(r.changes ?? []).map((c, i) => (
                      <li key={i}>
                        <code>{c.field}</code>
                        {c.locale && <span class="scope"> {c.locale}</span>}
                        {c.scope && <span class="scope"> {c.scope}</span>}: <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                {r.errors.length > 0 && (
                  <ul class="errors">
                    {r.errors.map((e, i) => (
                      <li key={i} class="error">
                        {e.column && <code>{e.column}</code>}{e.value && <> “{e.value}”</>}: {e.reason}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && rows && (
        <button type="button" onClick={() => load(rows[rows.length - 1].line, rows)}>{t('imports.moreRows')}</button>
      )}
    </div>
  );
}

/** A run's summary: progress, totals, the rejected rows' download. */
export function RunSummary({ run }: { run: Run }) {
  return (
    <div class="run" data-run={run.id} data-state={run.state}>
      <p>
        {t('imports.runOf', { id: run.id, file: run.fileName })}
        {run.profileCode && <> · {t('imports.profileVersion', { code: run.profileCode, version: run.profileVersion ?? '' })}</>}
        {' · '}{run.dryRun ? t('imports.dryRun') : t('imports.commitRun')}
      </p>
      <Progress run={run} />
      <Totals run={run} />
      {run.rejectedRowsUrl && (
        <p><a href={run.rejectedRowsUrl} download>{t('imports.downloadRejected')}</a></p>
      )}
    </div>
  );
}
