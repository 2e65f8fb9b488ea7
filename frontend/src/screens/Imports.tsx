// Supplier imports (`/imports`, `/imports/SUPPLIER`): choose (or, for catalog managers, create)
// a supplier, upload its CSV or ZIP, start the mapping from the suggested profile (or a stored
// one), save it as a new version, dry-run it and read the preview, then commit with live
// progress; below, the supplier's runs. A supplier account sees its own supplier only.

import { useEffect, useState } from 'preact/hooks';
import { request, requestWithFile } from '../api/client';
import {
  IMPORT_FEED, IMPORT_HISTORY, RERUN_IMPORT, SAVE_PROFILE, SAVE_SUPPLIER, STORED_PROFILE, SUGGEST_PROFILE, SUPPLIERS,
  type HistoryRun, type Profile, type Suggestion, type Supplier,
} from '../api/imports';
import { mayManage, useCatalog } from '../catalog';
import { t, type Key } from '../i18n';
import { navigate } from '../router';
import { useAction } from '../settings/form';
import { ServerMessage } from '../errors';
import { MappingEditor } from './ImportMapping';
import { RunRows, RunSummary, useRun } from './ImportRun';

function NewSupplier({ onCreated }: { onCreated: (code: string) => void }) {
  const [draft, setDraft] = useState({ code: '', name: '' });
  const { busy, failure, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    await run(async () => {
      await request(SAVE_SUPPLIER, { input: draft });
      onCreated(draft.code);
      setDraft({ code: '', name: '' });
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-supplier">
      <h2 id="new-supplier">{t('imports.newSupplier')}</h2>
      <ServerMessage failure={failure} />
      <div class="row">
        <label class="inline"><span>{t('common.code')}</span>
          <input required value={draft.code} onInput={(e) => setDraft({ ...draft, code: e.currentTarget.value })} /></label>
        <label class="inline"><span>{t('imports.supplierName')}</span>
          <input required value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} /></label>
        <button type="submit" disabled={busy}>{t('common.add')}</button>
      </div>
    </form>
  );
}

function History({ supplier, refresh, onOpen }: { supplier: string; refresh: number; onOpen: (id: string) => void }) {
  const [runs, setRuns] = useState<HistoryRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request<{ imports: HistoryRun[] }>(IMPORT_HISTORY, { supplier, first: 20 })
      .then((d) => setRuns(d.imports))
      .catch((e: Error) => setError(e.message));
  }, [supplier, refresh]);
  return (
    <section aria-labelledby="import-history">
      <h2 id="import-history">{t('imports.history')}</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <table class="list history">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('imports.file')}</th>
            <th scope="col">{t('imports.profile')}</th>
            <th scope="col">{t('imports.kind')}</th>
            <th scope="col">{t('imports.rowStatus')}</th>
            {(['read', 'created', 'updated', 'unchanged', 'rejected'] as const).map((k) => <th scope="col" key={k}>{t(`imports.count.${k}`)}</th>)}
            <th scope="col">{t('imports.finished')}</th>
            <th scope="col"><span class="sr-only">{t('imports.open')}</span></th>
          </tr>
        </thead>
        <tbody>
          {runs?.length === 0 && <tr><td colSpan={12}>{t('imports.noRuns')}</td></tr>}
          {runs?.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <td>{r.id}</td>
              <td>{r.fileName}</td>
              <td>{r.profileCode ? t('imports.profileVersion', { code: r.profileCode, version: r.profileVersion ?? '' }) : ''}</td>
              <td>{r.dryRun ? t('imports.dryRun') : t('imports.commitRun')}</td>
              <td>{t(`imports.state.${r.state}`)}</td>
              {(['read', 'created', 'updated', 'unchanged', 'rejected'] as const).map((k) => <td key={k}>{r.counts[k]}</td>)}
              <td>{r.finishedAt?.replace('T', ' ').slice(0, 19) ?? ''}</td>
              <td class="row">
                <button type="button" onClick={() => onOpen(r.id)}>{t('imports.open')} <span class="sr-only">#{r.id}</span></button>
                {r.rejectedRowsUrl && <a href={r.rejectedRowsUrl} download>{t('imports.rejectedCsv')}</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Upload, mapping, dry run and commit for one supplier. */
function SupplierImports({ supplier, onChanged }: { supplier: Supplier; onChanged: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [code, setCode] = useState(supplier.profiles[0]?.code ?? 'default');
  const [saved, setSaved] = useState<{ code: string; version: number } | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const { busy, failure, problems, run } = useAction();
  const { run: current, error: runError } = useRun(runId, () => {
    setRefresh((n) => n + 1);
    onChanged();
  });

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setSuggestion(null);
    setProfile(null);
    setSaved(null);
    setRunId(null);
    if (!chosen) return;
    await run(async () => {
      const d = await requestWithFile<{ suggestImportProfile: Suggestion }>(SUGGEST_PROFILE, chosen, { supplier: supplier.code });
      setSuggestion(d.suggestImportProfile);
      setProfile(d.suggestImportProfile.profile);
    });
  };
  const startFrom = async (source: string) => {
    if (source === '') {
      if (suggestion) setProfile(suggestion.profile);
      return;
    }
    await run(async () => {
      const d = await request<{ importProfile: { code: string; version: number; profile: Profile } }>(STORED_PROFILE, {
        supplier: supplier.code, code: source,
      });
      setProfile(d.importProfile.profile);
      setCode(d.importProfile.code);
    });
  };
  const save = async () => {
    const d = await request<{ saveImportProfile: { code: string; version: number } }>(SAVE_PROFILE, {
      supplier: supplier.code, code, profile,
    });
    setSaved(d.saveImportProfile);
    return d.saveImportProfile;
  };
  const dryRun = () => run(async () => {
    const version = await save();
    const d = await requestWithFile<{ importFeed: { id: string } }>(IMPORT_FEED, file!, {
      input: { supplier: supplier.code, profile: version.code, profileVersion: version.version, dryRun: true },
    });
    setRunId(d.importFeed.id);
  });
  const commit = () => run(async () => {
    const d = await request<{ rerunImport: { id: string } }>(RERUN_IMPORT, { id: current!.id, dryRun: false });
    setRunId(d.rerunImport.id);
  });

  return (
    <div>
      <section class="panel" aria-labelledby="upload">
        <h2 id="upload">{t('imports.upload')}</h2>
        <label class="inline"><span>{t('imports.fileLabel')}</span>
          <input type="file" accept=".csv,.tsv,.txt,.zip,text/csv,application/zip" disabled={busy}
            onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)} /></label>
        {!profile && <ServerMessage failure={failure} />}
        {suggestion && (
          <div class="facts">
            <p>{t('imports.detected', {
              encoding: suggestion.encoding,
              delimiter: ['comma', 'semicolon', 'tab', 'pipe'].includes(suggestion.delimiter)
                ? t(`imports.delimiter.${suggestion.delimiter}` as Key)
                : suggestion.delimiter,
              decimal: suggestion.decimalComma ? t('imports.decimalComma') : t('imports.decimalPoint'),
            })}</p>
            {suggestion.notes.length > 0 && (
              <ul class="notes" aria-label={t('imports.notes')}>{suggestion.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
            )}
          </div>
        )}
      </section>
      {suggestion && profile && (
        <section class="panel" aria-labelledby="mapping-title">
          <h2 id="mapping-title">{t('imports.mappingTitle')}</h2>
          <div class="row">
            <label class="inline"><span>{t('imports.startFrom')}</span>
              <select onChange={(e) => startFrom(e.currentTarget.value)} disabled={busy}>
                <option value="">{t('imports.suggested')}</option>
                {supplier.profiles.map((p) => <option key={p.code} value={p.code}>{t('imports.profileVersion', { code: p.code, version: p.version })}</option>)}
              </select></label>
            <label class="inline"><span>{t('imports.profileCode')}</span>
              <input required value={code} onInput={(e) => setCode(e.currentTarget.value)} /></label>
          </div>
          <MappingEditor header={suggestion.header} profile={profile} problems={problems}
            onChange={(p) => { setProfile(p); setSaved(null); }} />
          <details>
            <summary>{t('imports.document')}</summary>
            <pre class="profile-json">{JSON.stringify(profile, null, 2)}</pre>
          </details>
          <div class="row">
            <button type="button" disabled={busy || !code} onClick={() => run(save)}>{t('imports.saveProfile')}</button>
            <button type="button" disabled={busy || !code || !file} onClick={dryRun}>{t('imports.runDry')}</button>
            {saved && <span role="status" class="ok">{t('imports.savedVersion', { code: saved.code, version: saved.version })}</span>}
          </div>
          <ServerMessage failure={failure} />
        </section>
      )}
      {runError && <p role="alert" class="error">{runError}</p>}
      {current && (
        <section class="panel" aria-labelledby="run-title">
          <h2 id="run-title">{current.dryRun ? t('imports.preview') : t('imports.commitTitle')}</h2>
          <RunSummary run={current} />
          {current.dryRun && current.state === 'FINISHED' && (
            <button type="button" class="primary" disabled={busy} onClick={commit}>{t('imports.commit')}</button>
          )}
          {(current.state === 'FINISHED' || current.state === 'FAILED') && <RunRows run={current} />}
        </section>
      )}
      <History supplier={supplier.code} refresh={refresh} onOpen={(id) => setRunId(id)} />
    </div>
  );
}

export function Imports({ supplier: chosen }: { supplier: string | null }) {
  const catalog = useCatalog();
  const manager = mayManage(catalog);
  const [suppliers, setSuppliers] = useState<Supplier[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    request<{ suppliers: Supplier[] }>(SUPPLIERS)
      .then((d) => setSuppliers(d.suppliers))
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    load();
  }, []);
  // A supplier account has one supplier: go straight to it.
  useEffect(() => {
    if (!chosen && suppliers?.length === 1 && !manager) navigate(`/imports/${encodeURIComponent(suppliers[0].code)}`, true);
  }, [suppliers, chosen]);
  const supplier = suppliers?.find((s) => s.code === chosen) ?? null;

  return (
    <div class="imports">
      <h1>{t('imports.title')}</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <div class="row">
        <label class="inline"><span>{t('imports.supplier')}</span>
          <select value={chosen ?? ''} onChange={(e) => navigate(e.currentTarget.value ? `/imports/${encodeURIComponent(e.currentTarget.value)}` : '/imports')}>
            <option value="">{t('imports.chooseSupplier')}</option>
            {suppliers?.map((s) => <option key={s.code} value={s.code}>{s.name} ({s.code})</option>)}
          </select></label>
        {supplier && <span>{t('imports.productCount', { count: supplier.productCount })}</span>}
      </div>
      {chosen && suppliers && !supplier && <p role="alert" class="error">{t('imports.unknownSupplier', { code: chosen })}</p>}
      {manager && <NewSupplier onCreated={(code) => load().then(() => navigate(`/imports/${encodeURIComponent(code)}`))} />}
      {supplier && <SupplierImports supplier={supplier} key={supplier.code} onChanged={load} />}
    </div>
  );
}
