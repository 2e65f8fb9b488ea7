// Channel exports (`/exports`, `/exports/CODE`): the channels in force; for the chosen one a
// preview of the first products as the channel would receive them (fields, issues, and the feed
// the accepted ones make), the full feed to download with this session, the pull URL and how a
// consumer gets its token (administrators create one here), and the channel's export runs.

import { useEffect, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { useCatalog } from '../catalog';
import { t } from '../i18n';
import { follow, navigate } from '../router';
import { useAction } from '../settings/form';

export const EXPORT_CHANNELS = gql`
  query ExportChannels { exportChannels { code label format scope locale currency origin feedPath } }
`;
export const EXPORT_PREVIEW = gql`
  query ExportPreview($channel: String!, $first: Int!) {
    exportPreview(channel: $channel, first: $first) {
      rendered
      items { sku group accepted fields { name value } issues { field rule message } }
    }
  }
`;
export const EXPORT_RUNS = gql`
  query ExportRuns($channel: String, $first: Int!) {
    exportRuns(channel: $channel, first: $first) {
      id channel format since cursor exported rejected deleted actor destination error started finished
      issues { sku field rule message }
    }
  }
`;
export const CONSUMER_TOKEN = gql`
  mutation CreateConsumerToken($input: ApiTokenInput!) { createApiToken(input: $input) { secret token { id name } } }
`;

interface ExportChannel {
  code: string;
  label: string;
  format: string;
  scope: string;
  locale: string;
  currency: string;
  origin: string;
  feedPath: string;
}
interface Issue {
  sku: string;
  field: string | null;
  rule: string;
  message: string;
}
interface PreviewItem {
  sku: string;
  group: string | null;
  accepted: boolean;
  fields: { name: string; value: unknown }[];
  issues: Issue[];
}
interface ExportRun {
  id: number;
  channel: string;
  format: string;
  since: number | null;
  cursor: number;
  exported: number;
  rejected: number;
  deleted: number;
  actor: string;
  destination: string;
  error: string | null;
  started: string;
  finished: string;
  issues: Issue[];
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Preview({ channel }: { channel: ExportChannel }) {
  const [first, setFirst] = useState(10);
  const [items, setItems] = useState<PreviewItem[] | null>(null);
  const [rendered, setRendered] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setItems(null);
    setError(null);
    request<{ exportPreview: { rendered: string; items: PreviewItem[] } }>(EXPORT_PREVIEW, { channel: channel.code, first })
      .then((d) => {
        setItems(d.exportPreview.items);
        setRendered(d.exportPreview.rendered);
      })
      .catch((e: Error) => setError(e.message));
  }, [channel.code, first]);
  const accepted = items?.filter((i) => i.accepted).length ?? 0;
  return (
    <section class="panel" aria-labelledby="export-preview">
      <h2 id="export-preview">{t('exports.preview')}</h2>
      <label class="inline"><span>{t('exports.first')}</span>
        <select value={first} onChange={(e) => setFirst(Number(e.currentTarget.value))}>
          {[10, 25, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
        </select></label>
      {error && <p role="alert" class="error">{error}</p>}
      {items && <p class="preview-summary">{t('exports.previewSummary', { accepted, rejected: items.length - accepted })}</p>}
      <table class="list export-items" aria-busy={items === null ? 'true' : 'false'}>
        <thead>
          <tr>
            <th scope="col">{t('grid.sku')}</th>
            <th scope="col">{t('exports.group')}</th>
            <th scope="col">{t('exports.accepted')}</th>
            <th scope="col">{t('exports.fields')}</th>
            <th scope="col">{t('exports.issues')}</th>
          </tr>
        </thead>
        <tbody>
          {items?.length === 0 && <tr><td colSpan={5}>{t('exports.noItems')}</td></tr>}
          {items?.map((item) => (
            <tr key={item.sku} data-sku={item.sku} data-accepted={String(item.accepted)}>
              <td><a href={`/products/${encodeURIComponent(item.sku)}`} onClick={follow}>{item.sku}</a></td>
              <td>{item.group ?? ''}</td>
              <td class={item.accepted ? 'ok' : 'error'}>{item.accepted ? t('common.yes') : t('common.no')}</td>
              <td>
                <details>
                  <summary>{t('exports.fieldCount', { count: item.fields.length })}</summary>
                  <dl class="feed-fields">
                    {item.fields.map((f) => (
                      <div key={f.name}><dt><code>{f.name}</code></dt><dd>{show(f.value)}</dd></div>
                    ))}
                  </dl>
                </details>
              </td>
              <td>
                {item.issues.length > 0 && (
                  <ul class="issues">
                    {item.issues.map((i, n) => (
                      <li key={n} class="error">{i.field && <code>{i.field}</code>} <span class="rule">{i.rule}</span>: {i.message}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items && (
        <details>
          <summary>{t('exports.rendered')}</summary>
          <pre class="rendered">{rendered}</pre>
        </details>
      )}
    </section>
  );
}

function Pull({ channel }: { channel: ExportChannel }) {
  const { role } = useCatalog();
  const url = `${location.origin}${channel.feedPath}`;
  const [secret, setSecret] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const createToken = () => run(async () => {
    const d = await request<{ createApiToken: { secret: string } }>(CONSUMER_TOKEN, {
      input: { name: `${channel.code} feed`, role: 'CHANNEL_CONSUMER', grants: { locales: [], channels: [channel.code] } },
    });
    setSecret(d.createApiToken.secret);
  });
  return (
    <section class="panel" aria-labelledby="export-pull">
      <h2 id="export-pull">{t('exports.download')}</h2>
      <p class="row">
        <a class="button" href={channel.feedPath} download>{t('exports.downloadFeed', { format: channel.format })}</a>
        <span>{t('exports.downloadNote')}</span>
      </p>
      <h3>{t('exports.pull')}</h3>
      <p>{t('exports.pullUrl')} <code class="pull-url">{url}</code></p>
      <pre class="rendered">{`curl -H "Authorization: Bearer $TOKEN" --compressed ${url}\ncurl -H "Authorization: Bearer $TOKEN" "${url}?since=last"`}</pre>
      <p>{t('exports.deltaNote')}</p>
      <p>{t('exports.tokenHint')} <code>{`pim token create --role channel_consumer --channel ${channel.code}`}</code></p>
      {role === 'ADMIN' ? (
        <p class="row">
          <button type="button" disabled={busy} onClick={createToken}>{t('exports.createToken')}</button>
        </p>
      ) : (
        <p>{t('exports.tokenByAdmin')}</p>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      {secret && <p role="status" class="ok secret">{t('token.secret', { secret })}</p>}
    </section>
  );
}

function Runs({ channel }: { channel: string }) {
  const [runs, setRuns] = useState<ExportRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    request<{ exportRuns: ExportRun[] }>(EXPORT_RUNS, { channel, first: 20 })
      .then((d) => setRuns(d.exportRuns))
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    load();
  }, [channel]);
  return (
    <section aria-labelledby="export-runs">
      <h2 id="export-runs">{t('exports.runs')}</h2>
      <button type="button" onClick={load}>{t('exports.refresh')}</button>
      {error && <p role="alert" class="error">{error}</p>}
      <table class="list export-runs">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('exports.format')}</th>
            <th scope="col">{t('exports.since')}</th>
            <th scope="col">{t('exports.cursor')}</th>
            <th scope="col">{t('exports.exported')}</th>
            <th scope="col">{t('exports.rejectedCount')}</th>
            <th scope="col">{t('exports.deleted')}</th>
            <th scope="col">{t('exports.actor')}</th>
            <th scope="col">{t('exports.destination')}</th>
            <th scope="col">{t('exports.finished')}</th>
            <th scope="col">{t('exports.issues')}</th>
          </tr>
        </thead>
        <tbody>
          {runs?.length === 0 && <tr><td colSpan={11}>{t('exports.noRuns')}</td></tr>}
          {runs?.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <td>{r.id}</td>
              <td>{r.format}</td>
              <td>{r.since ?? t('exports.full')}</td>
              <td>{r.cursor}</td>
              <td>{r.exported}</td>
              <td>{r.rejected}</td>
              <td>{r.deleted}</td>
              <td>{r.actor}</td>
              <td>{r.destination}</td>
              <td>{r.finished.replace('T', ' ').slice(0, 19)}{r.error && <p class="error">{r.error}</p>}</td>
              <td>
                {r.issues.length > 0 && (
                  <details>
                    <summary>{t('exports.issueCount', { count: r.issues.length })}</summary>
                    <ul class="issues">
                      {r.issues.map((i, n) => <li key={n}><code>{i.sku}</code> {i.rule}: {i.message}</li>)}
                    </ul>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Exports({ channel: chosen }: { channel: string | null }) {
  const [channels, setChannels] = useState<ExportChannel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request<{ exportChannels: ExportChannel[] }>(EXPORT_CHANNELS)
      .then((d) => setChannels(d.exportChannels))
      .catch((e: Error) => setError(e.message));
  }, []);
  const channel = channels?.find((c) => c.code === chosen) ?? null;
  return (
    <div class="exports">
      <h1>{t('exports.title')}</h1>
      {error && <p role="alert" class="error">{error}</p>}
      <table class="list export-channels">
        <caption>{t('exports.channels')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.code')}</th>
            <th scope="col">{t('common.label')}</th>
            <th scope="col">{t('exports.format')}</th>
            <th scope="col">{t('prefs.channel')}</th>
            <th scope="col">{t('prefs.locale')}</th>
            <th scope="col">{t('imports.currency')}</th>
            <th scope="col">{t('exports.origin')}</th>
          </tr>
        </thead>
        <tbody>
          {channels?.map((c) => (
            <tr key={c.code} aria-current={c.code === chosen ? 'true' : undefined}>
              <th scope="row">
                <a href={`/exports/${encodeURIComponent(c.code)}`} onClick={follow}>{c.code}</a>
              </th>
              <td>{c.label}</td>
              <td>{c.format}</td>
              <td>{c.scope}</td>
              <td>{c.locale}</td>
              <td>{c.currency}</td>
              <td>{t(`exports.origin.${c.origin}` as 'exports.origin.built_in')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen && channels && !channel && <p role="alert" class="error">{t('exports.unknown', { code: chosen })}</p>}
      {channel && (
        <div key={channel.code}>
          <h2 class="channel-title">{t('exports.channelTitle', { label: channel.label, code: channel.code })}</h2>
          <button type="button" onClick={() => navigate('/exports')}>{t('common.close')}</button>
          <Preview channel={channel} />
          <Pull channel={channel} />
          <Runs channel={channel.code} />
        </div>
      )}
    </div>
  );
}
