// The product grid on `search`: words, facets, columns, sorting, and pages fetched one at a time
// with cursors (a million products are never loaded at once), plus bulk selection and mass edit.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../api/client';
import { SEARCH, type Facet, type Hit, type SearchAnswer } from '../api/ops';
import { attributeMap, display, label, mayManage, useCatalog } from '../catalog';
import { cleanHtml } from '../html';
import { t, type Key } from '../i18n';
import { navigate } from '../router';
import { MassEdit } from './MassEdit';
import { NewProduct } from './NewProduct';

interface Filters {
  families: string[];
  categories: string[];
  enabled: boolean | null;
  options: Record<string, string[]>;
  /** Completeness bands in the grid's channel and locale. */
  bands: string[];
  suppliers: string[];
  /** A quality rule the products fail. */
  rule: string | null;
}

const NO_FILTERS: Filters = { families: [], categories: [], enabled: null, options: {}, bands: [], suppliers: [], rule: null };

interface GridState {
  text: string;
  filters: Filters;
  drill: string | null;
  sort: { field: string; attribute?: string; descending: boolean };
  pageSize: number;
  /** Cursors of the pages before the current one; the current page starts after the last. */
  cursors: (string | null)[];
}

// Kept while the app runs, so coming back from a product finds the grid as it was left.
let remembered: GridState = {
  text: '',
  filters: NO_FILTERS,
  drill: null,
  sort: { field: 'RELEVANCE', descending: false },
  pageSize: 50,
  cursors: [null],
};

const COLUMNS_KEY = 'pim.grid.columns';
const SORTABLE_TYPES = ['NUMBER', 'METRIC', 'DATE', 'PRICE_COLLECTION'];

export function Badge({ ratio }: { ratio: number | undefined }) {
  if (ratio === undefined) return <span class="badge badge-none">{t('common.none')}</span>;
  const band = ratio >= 100 ? 'full' : ratio >= 80 ? 'high' : ratio >= 50 ? 'mid' : 'low';
  return <span class={`badge badge-${band}`}>{ratio}%</span>;
}

export function Grid() {
  const catalog = useCatalog();
  const { structure, locale, channel } = catalog;
  const attributes = useMemo(() => attributeMap(structure), [structure]);
  const [state, setState] = useState<GridState>(remembered);
  const [text, setText] = useState(state.text);
  const [answer, setAnswer] = useState<SearchAnswer['search'] | null>(null);
  // The facets of the current words and filters: paging and sorting reuse them instead of
  // counting a million products again for every page.
  const counted = useRef<{ key: string; facets: SearchAnswer['search']['facets'] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [columns, setColumns] = useState<string[]>(() => {
    const stored = localStorage.getItem(COLUMNS_KEY);
    if (stored) return JSON.parse(stored) as string[];
    return ['price', 'color'].filter((c) => attributes.has(c));
  });
  const [chooser, setChooser] = useState(false);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<Map<string, string[]>>(new Map());
  const [refresh, setRefresh] = useState(0);
  const tableRef = useRef<HTMLTableElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // "/" jumps to the search box from anywhere but a text field; Escape closes the column chooser.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === 'Escape') {
        setChooser(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const update = (change: Partial<GridState>, keepPage = false) => {
    // From the latest state, not this render's: the debounced search runs after other changes.
    const latest = remembered;
    const next = { ...latest, ...change, cursors: keepPage ? change.cursors ?? latest.cursors : [null] };
    remembered = next;
    // Busy from the same render that shows the new page number or filter, until the answer.
    setLoading(true);
    setState(next);
  };

  // Words are sent once typing pauses.
  useEffect(() => {
    if (text === state.text) return;
    // Enter may have sent them already.
    const timer = setTimeout(() => remembered.text !== text && update({ text }), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const facetAttributes = useMemo(
    () => ['color', 'brand', 'material'].filter((c) => attributes.get(c)?.type.endsWith('SELECT')),
    [attributes],
  );
  const channelObj = structure.channels.find((c) => c.code === channel);
  const tree = channelObj?.categoryTree?.code ?? null;
  const currency = channelObj?.currencies[0]?.code;
  // Completeness is kept per locale of a channel.
  const withCompleteness = !!channelObj?.locales.some((l) => l.code === locale);
  // Prices in the channel's currencies, when it has any of them.
  const channelPrices = (data: unknown) => {
    const prices = (data as { currency: string }[] | null) ?? [];
    const wanted = new Set(channelObj?.currencies.map((c) => c.code));
    const shown = prices.filter((p) => wanted.has(p.currency));
    return shown.length ? shown : data;
  };

  useEffect(() => {
    const { filters } = state;
    const attributeFilters = Object.entries(filters.options)
      .filter(([, codes]) => codes.length > 0)
      .map(([attribute, options]) => ({ attribute, options }));
    const facetKey = JSON.stringify([state.text.trim(), filters, state.drill, locale, channel, refresh]);
    const known = counted.current?.key === facetKey ? counted.current.facets : null;
    const variables = {
      text: state.text.trim() || null,
      locale,
      channel,
      filters: {
        families: filters.families.length ? filters.families : null,
        categories: filters.categories.length ? filters.categories : null,
        enabled: filters.enabled,
        attributes: attributeFilters.length ? attributeFilters : null,
        completenessBands: filters.bands.length && withCompleteness ? { channel, locale, bands: filters.bands } : null,
        suppliers: filters.suppliers.length ? filters.suppliers : null,
        failingRule: filters.rule,
      },
      facets: known ? [] : [
        { kind: 'FAMILY' },
        { kind: 'ENABLED' },
        { kind: 'CATEGORY', category: state.drill ?? tree },
        ...(withCompleteness ? [{ kind: 'COMPLETENESS' }] : []),
        ...facetAttributes.map((attribute) => ({ kind: 'ATTRIBUTE', attribute, limit: 12 })),
        { kind: 'SUPPLIER', limit: 20 },
        { kind: 'RULE', limit: 20 },
      ],
      sort: {
        field: state.sort.field,
        attribute: state.sort.attribute ?? null,
        currency: attributes.get(state.sort.attribute ?? '')?.type === 'PRICE_COLLECTION' ? currency : null,
        descending: state.sort.descending,
      },
      first: state.pageSize,
      after: state.cursors[state.cursors.length - 1],
      columns: columns.length ? columns : ['sku'],
    };
    let stale = false;
    setLoading(true);
    request<SearchAnswer>(SEARCH, variables)
      .then((d) => {
        if (stale) return;
        if (known) d.search.facets = known;
        else counted.current = { key: facetKey, facets: d.search.facets };
        setAnswer(d.search);
        setError(null);
      })
      .catch((e: Error) => !stale && setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [state, locale, channel, columns, refresh]);

  const toggleColumn = (code: string) => {
    const next = columns.includes(code) ? columns.filter((c) => c !== code) : [...columns, code];
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
    setColumns(next);
  };

  const toggleIn = (list: string[], value: string) =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

  const onFacet = (facet: Facet, value: string) => {
    const f = state.filters;
    if (facet.kind === 'FAMILY') update({ filters: { ...f, families: toggleIn(f.families, value) } });
    else if (facet.kind === 'ENABLED') {
      const enabled = value === 'true';
      update({ filters: { ...f, enabled: f.enabled === enabled ? null : enabled } });
    } else if (facet.kind === 'CATEGORY') {
      update({ filters: { ...f, categories: [value] }, drill: value });
    } else if (facet.kind === 'COMPLETENESS') {
      update({ filters: { ...f, bands: toggleIn(f.bands, value) } });
    } else if (facet.kind === 'SUPPLIER') {
      update({ filters: { ...f, suppliers: toggleIn(f.suppliers, value) } });
    } else if (facet.kind === 'RULE') {
      update({ filters: { ...f, rule: f.rule === value ? null : value } });
    } else if (facet.attribute) {
      const codes = f.options[facet.attribute] ?? [];
      update({ filters: { ...f, options: { ...f.options, [facet.attribute]: toggleIn(codes, value) } } });
    }
  };

  const isActive = (facet: Facet, value: string) => {
    const f = state.filters;
    if (facet.kind === 'FAMILY') return f.families.includes(value);
    if (facet.kind === 'ENABLED') return f.enabled !== null && String(f.enabled) === value;
    if (facet.kind === 'CATEGORY') return f.categories.includes(value);
    if (facet.kind === 'COMPLETENESS') return f.bands.includes(value);
    if (facet.kind === 'SUPPLIER') return f.suppliers.includes(value);
    if (facet.kind === 'RULE') return f.rule === value;
    return (f.options[facet.attribute ?? ''] ?? []).includes(value);
  };

  const drillUp = () => {
    const current = structure.categories.find((c) => c.code === state.drill);
    const parent = current?.parent?.code ?? null;
    const isRoot = !parent || parent === tree;
    update({
      drill: isRoot ? null : parent,
      filters: { ...state.filters, categories: isRoot ? [] : [parent] },
    });
  };

  const sortBy = (field: string, attribute?: string) => {
    const same = state.sort.field === field && state.sort.attribute === attribute;
    update({ sort: { field, attribute, descending: same ? !state.sort.descending : false } });
  };

  const hits = answer?.hits ?? [];
  const page = state.cursors.length;
  const pageSelected = hits.length > 0 && hits.every((h) => selected.has(h.product.sku));

  const toggleRow = (hit: Hit) => {
    const next = new Map(selected);
    if (next.has(hit.product.sku)) next.delete(hit.product.sku);
    else next.set(hit.product.sku, hit.product.categories.map((c) => c.code));
    setSelected(next);
  };
  const togglePage = () => {
    const next = new Map(selected);
    for (const h of hits) {
      if (pageSelected) next.delete(h.product.sku);
      else next.set(h.product.sku, h.product.categories.map((c) => c.code));
    }
    setSelected(next);
  };

  const onRowKey = (e: KeyboardEvent, hit: Hit, index: number) => {
    const rows = tableRef.current?.querySelectorAll<HTMLTableRowElement>('tbody tr[data-sku]');
    if (e.key === 'ArrowDown' && rows && index + 1 < rows.length) {
      e.preventDefault();
      rows[index + 1].focus();
    } else if (e.key === 'ArrowUp' && rows && index > 0) {
      e.preventDefault();
      rows[index - 1].focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      navigate(`/products/${encodeURIComponent(hit.product.sku)}`);
    } else if (e.key === ' ') {
      e.preventDefault();
      toggleRow(hit);
    }
  };

  const facetTitle = (facet: Facet) =>
    facet.kind === 'ATTRIBUTE'
      ? label(attributes.get(facet.attribute ?? '')?.labels ?? [], facet.attribute ?? '')
      : t(`facets.${facet.kind}` as Key);

  const facetValue = (facet: Facet, v: Facet['values'][number]) => {
    if (facet.kind === 'ENABLED') return t(v.value === 'true' ? 'facets.true' : 'facets.false');
    if (facet.kind === 'COMPLETENESS') return `${v.value} %`;
    return v.label;
  };

  const sortHeader = (text: string, field: string, attribute?: string) => {
    const active = state.sort.field === field && state.sort.attribute === attribute;
    return (
      <th scope="col" aria-sort={active ? (state.sort.descending ? 'descending' : 'ascending') : undefined}>
        <button type="button" class="link" onClick={() => sortBy(field, attribute)}>
          {text} {active ? (state.sort.descending ? '▼' : '▲') : ''}
        </button>
      </th>
    );
  };

  const anyFilter =
    state.filters.families.length > 0 ||
    state.filters.categories.length > 0 ||
    state.filters.enabled !== null ||
    Object.values(state.filters.options).some((o) => o.length > 0) ||
    state.filters.bands.length > 0 ||
    state.filters.suppliers.length > 0 ||
    state.filters.rule !== null;

  return (
    <div class="grid-screen">
      <aside class="facets" aria-labelledby="facets-title">
        <h2 id="facets-title">{t('facets.title')}</h2>
        {anyFilter && (
          <button type="button" onClick={() => update({ filters: NO_FILTERS, drill: null })}>
            {t('facets.clear')}
          </button>
        )}
        {answer?.facets.filter((facet) => facet.values.length > 0 || facet.kind === 'CATEGORY').map((facet) => (
          <fieldset key={`${facet.kind}-${facet.attribute ?? ''}`} class="facet">
            <legend>{facetTitle(facet)}</legend>
            {facet.kind === 'CATEGORY' && state.drill && (
              <button type="button" class="link" onClick={drillUp}>
                ↑ {t('facets.up', { category: structure.categories.find((c) => c.code === state.drill)?.parent?.code ?? t('facets.allCategories') })}
              </button>
            )}
            {facet.values.map((v) => (
              <label key={v.value} class="facet-value">
                <input type="checkbox" checked={isActive(facet, v.value)} onChange={() => onFacet(facet, v.value)} />
                <span>{facetValue(facet, v)}</span>
                <span class="count">{v.count}</span>
              </label>
            ))}
          </fieldset>
        ))}
      </aside>
      <section class="grid-main" aria-labelledby="grid-title">
        <div class="toolbar">
          <h1 id="grid-title">{t('grid.title')}</h1>
          <label class="search">
            <span class="sr-only">{t('grid.search')}</span>
            <input type="search" ref={searchRef} value={text} placeholder={t('grid.searchPlaceholder')}
              aria-keyshortcuts="/"
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && update({ text })} />
          </label>
          <label class="inline">
            <span>{t('grid.sort')}</span>
            <select value={state.sort.attribute ? `ATTRIBUTE:${state.sort.attribute}` : state.sort.field}
              onChange={(e) => {
                const [field, attribute] = e.currentTarget.value.split(':');
                update({ sort: { field, attribute, descending: state.sort.descending } });
              }}>
              {['RELEVANCE', 'SKU', 'LABEL', 'UPDATED'].map((f) => (
                <option value={f} key={f}>{t(`grid.sort.${f}` as Key)}</option>
              ))}
              {columns.filter((c) => SORTABLE_TYPES.includes(attributes.get(c)?.type ?? '')).map((c) => (
                <option value={`ATTRIBUTE:${c}`} key={c}>{label(attributes.get(c)!.labels, c)}</option>
              ))}
            </select>
          </label>
          <label class="inline">
            <input type="checkbox" checked={state.sort.descending}
              onChange={(e) => update({ sort: { ...state.sort, descending: e.currentTarget.checked } })} />
            <span>{t('grid.descending')}</span>
          </label>
          <div class="chooser">
            <button type="button" aria-expanded={chooser} aria-controls="column-chooser" onClick={() => setChooser(!chooser)}>
              {t('grid.columns')}
            </button>
            {chooser && (
              <fieldset id="column-chooser" class="popup">
                <legend>{t('grid.chooseColumns')}</legend>
                {structure.attributes
                  .filter((a) => a.type !== 'IDENTIFIER')
                  .map((a) => ({ ...a, name: label(a.labels, a.code) }))
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((a) => (
                  <label key={a.code}>
                    <input type="checkbox" checked={columns.includes(a.code)} onChange={() => toggleColumn(a.code)} />
                    {a.name}
                  </label>
                ))}
              </fieldset>
            )}
          </div>
          {mayManage(catalog) && (
            <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>{t('newProduct.title')}</button>
          )}
          <span class="total" aria-live="polite">{answer ? t('grid.total', { count: answer.total }) : ''}</span>
        </div>
        {creating && <NewProduct onClose={() => setCreating(false)} />}
        {selected.size > 0 && mayManage(catalog) && (
          <MassEdit selected={selected} onDone={() => setRefresh(refresh + 1)} onClear={() => setSelected(new Map())} />
        )}
        {error && <p role="alert" class="error">{error}</p>}
        <p class="hint" id="grid-hint">{t('grid.keyboardHint')}</p>
        <table class="products" ref={tableRef} aria-describedby="grid-hint" aria-busy={loading} data-text={state.text}>
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" aria-label={t('grid.selectAll')} checked={pageSelected} onChange={togglePage} />
              </th>
              {sortHeader(t('grid.sku'), 'SKU')}
              {sortHeader(t('grid.label'), 'LABEL')}
              <th scope="col">{t('grid.family')}</th>
              <th scope="col">{t('grid.completeness')}</th>
              <th scope="col">{t('grid.status')}</th>
              {columns.map((c) => {
                const a = attributes.get(c);
                if (!a) return null;
                return SORTABLE_TYPES.includes(a.type)
                  ? sortHeader(label(a.labels, c), 'ATTRIBUTE', c)
                  : <th scope="col" key={c}>{label(a.labels, c)}</th>;
              })}
            </tr>
          </thead>
          <tbody>
            {hits.map((hit, index) => {
              const p = hit.product;
              const family = structure.families.find((f) => f.code === p.family?.code);
              return (
                <tr key={p.sku} data-sku={p.sku} tabIndex={0} class={selected.has(p.sku) ? 'selected' : undefined}
                  onKeyDown={(e) => onRowKey(e, hit, index)}
                  onDblClick={() => navigate(`/products/${encodeURIComponent(p.sku)}`)}>
                  <td>
                    <input type="checkbox" tabIndex={-1} aria-label={t('grid.selectRow', { sku: p.sku })}
                      checked={selected.has(p.sku)} onChange={() => toggleRow(hit)} />
                  </td>
                  <td>
                    <a href={`/products/${encodeURIComponent(p.sku)}`} tabIndex={-1}
                      onClick={(e) => { e.preventDefault(); navigate(`/products/${encodeURIComponent(p.sku)}`); }}>
                      {p.sku}
                    </a>
                  </td>
                  <td>
                    {p.label}
                    {hit.highlights[0] && (
                      <div class="snippet" dangerouslySetInnerHTML={{ __html: cleanHtml(hit.highlights[0].snippet) }} />
                    )}
                  </td>
                  <td>{family ? label(family.labels, family.code) : ''}</td>
                  <td><Badge ratio={p.completeness[0]?.ratio} /></td>
                  <td>{p.enabled ? t('grid.enabled') : t('grid.disabled')}</td>
                  {columns.map((c) => {
                    const a = attributes.get(c);
                    if (!a) return null;
                    const v = p.values.find((v) => v.attribute === c);
                    if (a.type === 'IMAGE' && typeof v?.data === 'string') {
                      return (
                        <td key={c}>
                          <img class="grid-thumb" src={`/assets/${v.data}/thumbnail/256`} alt={`${label(a.labels, c)} ${p.sku}`} width={40} height={40} loading="lazy" />
                        </td>
                      );
                    }
                    return <td key={c}>{display(a, a.type === 'PRICE_COLLECTION' ? channelPrices(v?.data) : v?.data)}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
        {answer && hits.length === 0 && <p>{t('grid.empty')}</p>}
        <nav class="pager" aria-label={t('grid.page', { page })}>
          <button type="button" disabled={page <= 1}
            onClick={() => update({ cursors: state.cursors.slice(0, -1) }, true)}>
            {t('grid.previous')}
          </button>
          <span>{t('grid.page', { page })}</span>
          <button type="button" disabled={!answer?.pageInfo.hasNextPage}
            onClick={() => answer?.pageInfo.endCursor && update({ cursors: [...state.cursors, answer.pageInfo.endCursor] }, true)}>
            {t('grid.next')}
          </button>
          <label class="inline">
            <span>{t('grid.pageSize')}</span>
            <select value={state.pageSize} onChange={(e) => update({ pageSize: Number(e.currentTarget.value) })}>
              {[25, 50, 100, 200].map((n) => <option value={n} key={n}>{n}</option>)}
            </select>
          </label>
        </nav>
      </section>
    </div>
  );
}
