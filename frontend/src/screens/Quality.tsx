// The quality dashboard: average completeness and bands for every channel and locale, then the
// most missing attributes and the failing rules of the chosen one, as bar charts (plain SVG).

import { useEffect, useMemo, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { attributeMap, categoryList, label, useCatalog } from '../catalog';
import { t } from '../i18n';

export const QUALITY_REPORT = gql`
  query QualityReport($channel: String!, $locale: String!, $family: String, $category: String) {
    qualityReport(channel: $channel, locale: $locale, family: $family, category: $category) {
      channel locale products average
      bands { band products }
      mostMissing { attribute products }
      issues { rule severity products }
    }
  }
`;

interface Report {
  channel: string;
  locale: string;
  products: number;
  average: number;
  bands: { band: string; products: number }[];
  mostMissing: { attribute: string; products: number }[];
  issues: { rule: string; severity: string; products: number }[];
}

const BAND_COLORS: Record<string, string> = { '0-49': '#c0392b', '50-79': '#e6a23c', '80-99': '#8bc34a', '100': '#2e7d32' };

/** Horizontal bars with their labels and values as text, readable without the colours. */
function Bars({ title, rows, max, unit = '' }: { title: string; rows: { label: string; value: number; color?: string }[]; max: number; unit?: string }) {
  const height = 24;
  const labelWidth = 200;
  const width = 640;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={title} viewBox={`0 0 ${width} ${rows.length * height + 4}`} width="100%">
        {rows.map((r, i) => {
          const w = max > 0 ? ((width - labelWidth - 80) * r.value) / max : 0;
          return (
            <g key={r.label} transform={`translate(0 ${i * height + 2})`}>
              <text x={labelWidth - 8} y={16} text-anchor="end" class="chart-label">{r.label}</text>
              <rect x={labelWidth} y={3} width={Math.max(w, 1)} height={height - 8} fill={r.color ?? '#2b5797'} rx={2} />
              <text x={labelWidth + w + 6} y={16} class="chart-value">{`${r.value}${unit}`}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Bands of one channel and locale as one stacked bar. */
function BandBar({ report }: { report: Report }) {
  const total = report.bands.reduce((s, b) => s + b.products, 0) || 1;
  let x = 0;
  return (
    <svg role="img" viewBox="0 0 300 14" width="300" height="14"
      aria-label={report.bands.map((b) => `${b.band}%: ${b.products}`).join(', ')}>
      {report.bands.map((b) => {
        const w = (300 * b.products) / total;
        const rect = <rect key={b.band} x={x} y={0} width={w} height={14} fill={BAND_COLORS[b.band] ?? '#999'} />;
        x += w;
        return rect;
      })}
    </svg>
  );
}

export function Quality() {
  const { structure } = useCatalog();
  const attributes = attributeMap(structure);
  const pairs = structure.channels.flatMap((c) => c.locales.map((l) => ({ channel: c.code, locale: l.code })));
  const [reports, setReports] = useState<Report[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState(0);
  const [family, setFamily] = useState('');
  const [category, setCategory] = useState('');
  const categories = useMemo(() => categoryList(structure), [structure]);

  useEffect(() => {
    let stale = false;
    Promise.all(
      pairs.map((p) =>
        request<{ qualityReport: Report }>(QUALITY_REPORT, { ...p, family: family || null, category: category || null }).then((d) => d.qualityReport),
      ),
    )
      .then((r) => !stale && setReports(r))
      .catch((e: Error) => !stale && setError(e.message));
    return () => {
      stale = true;
    };
  }, [structure, family, category]);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!reports) return <p class="loading">{t('app.loading')}</p>;
  const report = reports[chosen];

  return (
    <div class="quality">
      <h1>{t('quality.title')}</h1>
      <label class="inline">
        <span>{t('grid.family')}</span>
        <select value={family} onChange={(e) => setFamily(e.currentTarget.value)}>
          <option value="">{t('quality.allFamilies')}</option>
          {structure.families.map((f) => <option value={f.code} key={f.code}>{label(f.labels, f.code)}</option>)}
        </select>
      </label>
      <label class="inline">
        <span>{t('mass.category')}</span>
        <select value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">{t('facets.allCategories')}</option>
          {categories.map((c) => <option value={c.code} key={c.code}>{c.path}</option>)}
        </select>
      </label>
      <Bars title={t('quality.completeness')} max={100} unit="%"
        rows={reports.map((r) => ({ label: `${r.channel} / ${r.locale}`, value: Math.round(r.average) }))} />
      <table class="compact bands">
        <caption>{t('quality.bands')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('prefs.channel')} / {t('prefs.locale')}</th>
            <th scope="col">{t('quality.bands')}</th>
            {['0-49', '50-79', '80-99', '100'].map((b) => (
              <th scope="col" key={b}><span class="swatch" style={{ background: BAND_COLORS[b] }} /> {b}%</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={`${r.channel}-${r.locale}`}>
              <th scope="row">{r.channel} / {r.locale}</th>
              <td><BandBar report={r} /></td>
              {['0-49', '50-79', '80-99', '100'].map((b) => (
                <td key={b}>{r.bands.find((x) => x.band === b)?.products ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <label class="inline">
        <span>{t('quality.for')}</span>
        <select value={chosen} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
          {reports.map((r, i) => <option value={i} key={i}>{r.channel} / {r.locale}</option>)}
        </select>
      </label>
      {report && (
        <div class="quality-detail">
          <p>{t('quality.products', { count: report.products })} · {t('quality.average', { value: report.average.toFixed(1) })}</p>
          {report.mostMissing.length === 0 ? <p>{t('quality.nothingMissing')}</p> : (
            <Bars title={t('quality.mostMissing')} max={Math.max(...report.mostMissing.map((m) => m.products))}
              rows={report.mostMissing.slice(0, 15).map((m) => ({
                label: label(attributes.get(m.attribute)?.labels ?? [], m.attribute),
                value: m.products,
              }))} />
          )}
          {report.issues.length === 0 ? <p>{t('quality.noIssues')}</p> : (
            <Bars title={t('quality.issues')} max={Math.max(...report.issues.map((m) => m.products))}
              rows={report.issues.map((m) => ({
                label: m.rule,
                value: m.products,
                color: m.severity === 'ERROR' ? '#c0392b' : '#e6a23c',
              }))} />
          )}
        </div>
      )}
    </div>
  );
}
