// One editor per attribute type, each reading and writing data in the API's shape
// (docs/values.md): strings for text and decimals, `{amount, unit}` for metrics, a list of
// `{amount, currency}` for prices, option codes for selects, asset hashes for images and files.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request, requestWithFile } from '../api/client';
import { ASSETS, UPLOAD_ASSET, type Asset, type Attribute } from '../api/ops';
import { label } from '../catalog';
import { cleanHtml } from '../html';
import { t } from '../i18n';

export interface WidgetProps {
  attribute: Attribute;
  id: string;
  value: unknown;
  onChange: (data: unknown) => void;
  /** Currencies shown for prices (the channel's). */
  currencies: string[];
  disabled?: boolean;
  /** Ids of the elements describing the control (errors, hints). */
  describedBy?: string;
  invalid?: boolean;
  /** The accessible name, for widgets made of several controls. */
  name: string;
}

type Price = { amount: string; currency: string };

function blankToNull(text: string): string | null {
  return text.trim() === '' ? null : text;
}

export function ValueWidget(props: WidgetProps) {
  const { attribute, id, value, onChange, disabled, describedBy, invalid } = props;
  const common = {
    id,
    disabled,
    'aria-describedby': describedBy,
    'aria-invalid': invalid ? ('true' as const) : undefined,
  };
  switch (attribute.type) {
    case 'TEXTAREA':
      return (
        <textarea {...common} rows={3} value={(value as string) ?? ''}
          onInput={(e) => onChange(blankToNull(e.currentTarget.value))} />
      );
    case 'RICH_TEXT':
      return <RichText {...props} />;
    case 'NUMBER':
      return (
        <input {...common} type="text" inputMode="decimal" value={(value as string) ?? ''}
          onInput={(e) => onChange(blankToNull(e.currentTarget.value))} />
      );
    case 'BOOLEAN':
      return (
        <input {...common} type="checkbox" checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)} />
      );
    case 'DATE':
      return (
        <input {...common} type="date" value={(value as string) ?? ''}
          onInput={(e) => onChange(blankToNull(e.currentTarget.value))} />
      );
    case 'SIMPLE_SELECT':
      return (
        <select {...common} value={(value as string) ?? ''}
          onChange={(e) => onChange(blankToNull(e.currentTarget.value))}>
          <option value="">{t('widget.noOption')}</option>
          {attribute.options.map((o) => (
            <option value={o.code} key={o.code}>{label(o.labels, o.code)}</option>
          ))}
        </select>
      );
    case 'MULTI_SELECT': {
      const chosen = (value as string[] | null) ?? [];
      return (
        <select {...common} multiple size={Math.min(6, Math.max(3, attribute.options.length))}
          onChange={(e) => {
            const codes = Array.from(e.currentTarget.selectedOptions).map((o) => o.value);
            onChange(codes.length ? codes : null);
          }}>
          {attribute.options.map((o) => (
            <option value={o.code} key={o.code} selected={chosen.includes(o.code)}>{label(o.labels, o.code)}</option>
          ))}
        </select>
      );
    }
    case 'METRIC':
      return <Metric {...props} />;
    case 'PRICE_COLLECTION':
      return <Prices {...props} />;
    case 'IMAGE':
    case 'FILE':
      return <AssetWidget {...props} />;
    case 'PRODUCT_REFERENCE_LIST':
      return (
        <input {...common} type="text" placeholder={t('widget.references')}
          value={((value as string[] | null) ?? []).join(', ')}
          onChange={(e) => {
            const skus = e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean);
            onChange(skus.length ? skus : null);
          }} />
      );
    default:
      return (
        <input {...common} type="text" value={(value as string) ?? ''}
          onInput={(e) => onChange(blankToNull(e.currentTarget.value))} />
      );
  }
}

function RichText({ id, value, onChange, disabled, describedBy, invalid, name }: WidgetProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Only a value that differs from what is being edited is written, so the caret stays put.
    const el = ref.current;
    const html = cleanHtml((value as string) ?? '');
    if (el && el.innerHTML !== html && cleanHtml(el.innerHTML) !== html) el.innerHTML = html;
  }, [value]);
  const command = (cmd: string) => {
    ref.current?.focus();
    document.execCommand(cmd);
    onChange(blankToNull(cleanHtml(ref.current?.innerHTML ?? '')));
  };
  return (
    <div class="richtext">
      <div role="toolbar" aria-label={name} class="richtext-bar">
        <button type="button" disabled={disabled} onClick={() => command('bold')} aria-label={t('widget.bold')}><b>B</b></button>
        <button type="button" disabled={disabled} onClick={() => command('italic')} aria-label={t('widget.italic')}><i>I</i></button>
        <button type="button" disabled={disabled} onClick={() => command('insertUnorderedList')} aria-label={t('widget.list')}>•</button>
      </div>
      <div id={id} ref={ref} class="richtext-body" role="textbox" aria-multiline="true" aria-label={name}
        aria-describedby={describedBy} aria-invalid={invalid ? 'true' : undefined}
        contentEditable={!disabled} tabIndex={0}
        onInput={(e) => onChange(blankToNull(cleanHtml(e.currentTarget.innerHTML)))} />
    </div>
  );
}

function Metric({ attribute, id, value, onChange, disabled, describedBy, invalid }: WidgetProps) {
  const metric = value as { amount: string; unit: string } | null;
  const units = attribute.metricFamily?.units ?? [];
  const unit = metric?.unit ?? attribute.defaultUnit ?? units[0]?.code ?? '';
  const name = label(attribute.labels, attribute.code);
  return (
    <span class="metric">
      <input id={id} type="text" inputMode="decimal" disabled={disabled} aria-describedby={describedBy}
        aria-invalid={invalid ? 'true' : undefined} aria-label={t('widget.amount', { attribute: name })}
        value={metric?.amount ?? ''}
        onInput={(e) => {
          const amount = e.currentTarget.value.trim();
          onChange(amount ? { amount, unit } : null);
        }} />
      <select aria-label={t('widget.unit', { attribute: name })} disabled={disabled} value={unit}
        onChange={(e) => metric && onChange({ amount: metric.amount, unit: e.currentTarget.value })}>
        {units.map((u) => (
          <option value={u.code} key={u.code}>{u.symbol || u.code}</option>
        ))}
      </select>
    </span>
  );
}

function Prices({ attribute, id, value, onChange, currencies, disabled, describedBy, invalid }: WidgetProps) {
  const prices = (value as Price[] | null) ?? [];
  const shown = Array.from(new Set([...currencies, ...prices.map((p) => p.currency)]));
  const name = label(attribute.labels, attribute.code);
  const set = (currency: string, amount: string) => {
    const rest = prices.filter((p) => p.currency !== currency);
    const next = amount.trim() ? [...rest, { amount: amount.trim(), currency }] : rest;
    next.sort((a, b) => a.currency.localeCompare(b.currency));
    onChange(next.length ? next : null);
  };
  return (
    <span class="prices">
      {shown.map((currency, i) => (
        <label class="price" key={currency}>
          <input id={i === 0 ? id : `${id}-${currency}`} type="text" inputMode="decimal" disabled={disabled}
            aria-describedby={describedBy} aria-invalid={invalid ? 'true' : undefined}
            aria-label={t('widget.price', { attribute: name, currency })}
            value={prices.find((p) => p.currency === currency)?.amount ?? ''}
            onChange={(e) => set(currency, e.currentTarget.value)} />
          <span aria-hidden="true">{currency}</span>
        </label>
      ))}
    </span>
  );
}

function AssetWidget({ attribute, id, value, onChange, disabled, describedBy, invalid }: WidgetProps) {
  const hash = (value as string | null) ?? null;
  const [asset, setAsset] = useState<Asset | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = label(attribute.labels, attribute.code);
  useEffect(() => {
    if (!hash) return setAsset(null);
    if (asset?.hash === hash) return;
    request<{ asset: Asset | null }>(ASSETS, { hash }).then((d) => setAsset(d.asset)).catch(() => setAsset(null));
  }, [hash]);
  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const d = await requestWithFile<{ uploadAsset: Asset }>(UPLOAD_ASSET, file);
      setAsset(d.uploadAsset);
      onChange(d.uploadAsset.hash);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="asset">
      {asset && attribute.type === 'IMAGE' && asset.thumbnailUrl && (
        <a href={asset.url} target="_blank" rel="noopener">
          <img src={asset.thumbnailUrl} alt={asset.filename} width={96} height={96} class="thumb" />
        </a>
      )}
      {asset && attribute.type === 'FILE' && <a href={asset.url}>{asset.filename}</a>}
      <input id={id} type="file" disabled={disabled || busy} aria-describedby={describedBy}
        aria-invalid={invalid ? 'true' : undefined} aria-label={t('widget.upload', { attribute: name })}
        accept={attribute.type === 'IMAGE' ? 'image/*' : undefined}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) upload(file);
        }} />
      {hash && (
        <button type="button" disabled={disabled} onClick={() => onChange(null)}>{t('widget.clear', { attribute: name })}</button>
      )}
      {busy && <span>{t('widget.uploading')}</span>}
      {error && <span role="alert" class="error">{error}</span>}
    </span>
  );
}
