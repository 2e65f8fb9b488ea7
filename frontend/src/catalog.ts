// The catalog structure the screens share (loaded once after sign-in, reloaded after a settings
// change), the chosen content locale and channel, and label helpers.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Attribute, Label, Structure } from './api/ops';
import { htmlText } from './html';
import { labelLocale } from './i18n';

export interface Catalog {
  structure: Structure;
  reload: () => Promise<void>;
  locale: string;
  channel: string;
  setLocale: (code: string) => void;
  setChannel: (code: string) => void;
  role: string;
  /** Locales a translator may change. */
  grantedLocales: string[];
}

/** Whether the signed-in role may change products beyond their values: status, categories,
 *  creation and deletion. */
export function mayManage(catalog: Catalog): boolean {
  return catalog.role === 'ADMIN' || catalog.role === 'CATALOG_MANAGER';
}

/** Whether the signed-in role may change this attribute's value in `locale` (the API decides;
 *  this only spares people edits it would refuse). */
export function mayEdit(catalog: Catalog, attribute: Attribute, locale: string): boolean {
  if (mayManage(catalog)) return true;
  if (catalog.role === 'TRANSLATOR') return attribute.localizable && catalog.grantedLocales.includes(locale);
  return false;
}

export const CatalogContext = createContext<Catalog | null>(null);

export function useCatalog(): Catalog {
  const catalog = useContext(CatalogContext);
  if (!catalog) throw new Error('catalog structure not loaded');
  return catalog;
}

/** A label in the UI's language, else English, else any, else the code. */
export function label(labels: Label[], code: string, locale = labelLocale()): string {
  return (
    labels.find((l) => l.locale === locale)?.value ??
    labels.find((l) => l.locale === 'en_US')?.value ??
    labels[0]?.value ??
    code
  );
}

export function attributeMap(structure: Structure): Map<string, Attribute> {
  return new Map(structure.attributes.map((a) => [a.code, a]));
}

/** Where a value of `attribute` lives for the chosen channel and locale. */
export function valueKey(attribute: Attribute, channel: string, locale: string): string {
  return `${attribute.code}|${attribute.scopable ? channel : ''}|${attribute.localizable ? locale : ''}`;
}

/** The path the API names a value by in its errors, e.g. `values.description.webshop.en_US`. */
export function valuePath(attribute: Attribute, channel: string, locale: string): string {
  let path = `values.${attribute.code}`;
  if (attribute.scopable) path += `.${channel}`;
  if (attribute.localizable) path += `.${locale}`;
  return path;
}

/** A value's data as short text for the grid and history. */
export function display(attribute: Attribute | undefined, data: unknown, locale = labelLocale()): string {
  if (data === null || data === undefined) return '';
  if (!attribute) return typeof data === 'string' ? data : JSON.stringify(data);
  const option = (code: string) => {
    const o = attribute.options.find((o) => o.code === code);
    return o ? label(o.labels, code, locale) : code;
  };
  switch (attribute.type) {
    case 'SIMPLE_SELECT':
      return option(String(data));
    case 'MULTI_SELECT':
      return (data as string[]).map(option).join(', ');
    case 'METRIC': {
      const m = data as { amount: string; unit: string };
      const unit = attribute.metricFamily?.units.find((u) => u.code === m.unit);
      return `${m.amount} ${unit?.symbol ?? m.unit}`;
    }
    case 'PRICE_COLLECTION':
      return (data as { amount: string; currency: string }[]).map((p) => `${p.amount} ${p.currency}`).join(', ');
    case 'RICH_TEXT':
      return htmlText(String(data));
    case 'BOOLEAN':
      return data ? '✓' : '✗';
    case 'PRODUCT_REFERENCE_LIST':
      return (data as string[]).join(', ');
    default:
      return typeof data === 'string' ? data : JSON.stringify(data);
  }
}

/** Categories flattened in tree order with their depth, for pickers. */
export function categoryList(structure: Structure): { code: string; depth: number; path: string }[] {
  const children = new Map<string | null, typeof structure.categories>();
  for (const c of structure.categories) {
    const parent = c.parent?.code ?? null;
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: { code: string; depth: number; path: string }[] = [];
  const walk = (parent: string | null, depth: number, path: string) => {
    const list = (children.get(parent) ?? []).slice().sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));
    for (const c of list) {
      const name = label(c.labels, c.code);
      const full = path ? `${path} › ${name}` : name;
      out.push({ code: c.code, depth, path: full });
      walk(c.code, depth + 1, full);
    }
  };
  walk(null, 0, '');
  return out;
}
