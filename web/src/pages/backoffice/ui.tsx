import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { API_BASE, ApiError, get, qs } from '../../lib/api';
import type { Location } from '../../lib/endpoints';
import { businessToday } from '../../lib/format';
import { useL } from './lang';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="bo-page-head">
      <h1>{title}</h1>
      <div className="bo-actions">{children}</div>
    </header>
  );
}

/** A labelled input with the server's message for it underneath. */
export function Field({
  label,
  error,
  children,
  wide,
}: {
  label: string;
  error?: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in
    <label className={`bo-field${error ? ' has-error' : ''}${wide ? ' wide' : ''}`}>
      <span>{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** What went wrong, in the server's words. */
export function ErrorBox({ error }: { error: unknown }) {
  const l = useL();
  if (!error) return null;
  const msg =
    error instanceof ApiError
      ? error.message
      : l('No hay conexión con el servidor. Intenta de nuevo.', 'The server cannot be reached. Try again.');
  return (
    <p className="error bo-error" role="alert">
      {msg}
    </p>
  );
}

export function Loading() {
  const l = useL();
  return <p className="muted">{l('Cargando…', 'Loading…')}</p>;
}

export function useLocations() {
  return useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ items: Location[] }>('/locations').then((r) => r.items),
  });
}

export function LocationSelect({
  value,
  onChange,
  allowAll = true,
  label,
}: {
  value: string;
  onChange: (v: string) => void;
  allowAll?: boolean;
  label?: string;
}) {
  const l = useL();
  const locations = useLocations();
  return (
    <label className="bo-inline">
      <span>{label ?? l('Sucursal', 'Location')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {allowAll ? (
          <option value="">{l('Todas', 'All')}</option>
        ) : value === '' ? (
          // nothing chosen yet: say so, rather than showing the first location as if it were
          <option value="" disabled>
            {l('Elige una sucursal…', 'Choose a location…')}
          </option>
        ) : null}
        {(locations.data ?? []).map((loc) => (
          <option key={loc.id} value={loc.id}>
            {loc.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface DateRange {
  from: string;
  to: string;
}

/** The calendar day `days` after `date` (before, when negative), YYYY-MM-DD, without time zones in the way. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function lastDays(n: number): DateRange {
  const to = businessToday();
  return { from: addDays(to, -(n - 1)), to };
}

/** From/to business days with quick choices. */
export function DateRangePicker({ value, onChange }: { value: DateRange; onChange: (r: DateRange) => void }) {
  const l = useL();
  const today = businessToday();
  const presets: [string, DateRange][] = [
    [l('Hoy', 'Today'), { from: today, to: today }],
    [l('7 días', '7 days'), lastDays(7)],
    [l('30 días', '30 days'), lastDays(30)],
    [l('Este mes', 'This month'), { from: `${today.slice(0, 8)}01`, to: today }],
  ];
  return (
    <div className="bo-range">
      <label className="bo-inline">
        <span>{l('Del', 'From')}</span>
        <input
          type="date"
          value={value.from}
          max={value.to}
          onChange={(e) => e.target.value && onChange({ ...value, from: e.target.value })}
        />
      </label>
      <label className="bo-inline">
        <span>{l('al', 'to')}</span>
        <input
          type="date"
          value={value.to}
          min={value.from}
          onChange={(e) => e.target.value && onChange({ ...value, to: e.target.value })}
        />
      </label>
      {presets.map(([label, r]) => (
        <button
          key={label}
          type="button"
          className={`chip${r.from === value.from && r.to === value.to ? ' on' : ''}`}
          onClick={() => onChange(r)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** CSV / Excel links for one report with the same filters. */
export function Downloads({
  report,
  params,
}: {
  report: string;
  params: Record<string, string | undefined>;
}) {
  const l = useL();
  const href = (format: string) => `${API_BASE}/reports/${report}${qs({ ...params, format })}`;
  return (
    <span className="bo-downloads">
      <a className="button small" href={href('csv')} download data-testid={`csv-${report}`}>
        CSV
      </a>
      <a className="button small" href={href('xlsx')} download data-testid={`xlsx-${report}`}>
        {l('Excel', 'Excel')}
      </a>
    </span>
  );
}

/** Field messages of a failed save: validation issues by path, plus the code-specific one. */
export function fieldErrorsOf(err: unknown, byCode: (e: ApiError) => string | null = () => null) {
  if (!(err instanceof ApiError)) return {};
  const out = err.fieldErrors();
  const field = byCode(err);
  if (field) out[field] = err.message;
  return out;
}

/** `value` once it has stopped changing for `ms`: a search typed letter by letter asks once. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * A choice among what the server finds for what is typed: a search box and a select of the
 * results (the chosen one stays listed while other searches run). `search` asks the server.
 */
export function SearchPicker<T>({
  label,
  searchLabel,
  queryKey,
  search,
  enabled = true,
  value,
  onChange,
  idOf,
  labelOf,
  placeholder,
  error,
}: {
  label: string;
  searchLabel: string;
  queryKey: unknown[];
  search: (q: string) => Promise<T[]>;
  enabled?: boolean;
  value: T | null;
  onChange: (v: T | null) => void;
  idOf: (v: T) => string;
  labelOf: (v: T) => string;
  placeholder: string;
  error?: string;
}) {
  const l = useL();
  const [q, setQ] = useState('');
  const settled = useDebounced(q.trim());
  const found = useQuery({ queryKey: [...queryKey, settled], enabled, queryFn: () => search(settled) });
  const options = [
    ...(value && !found.data?.some((x) => idOf(x) === idOf(value)) ? [value] : []),
    ...(found.data ?? []),
  ];
  return (
    <>
      <Field label={searchLabel}>
        <input
          type="search"
          value={q}
          disabled={!enabled}
          placeholder={placeholder}
          onChange={(e) => setQ(e.target.value)}
        />
      </Field>
      <Field label={label} error={error}>
        <select
          value={value ? idOf(value) : ''}
          onChange={(e) => onChange(options.find((x) => idOf(x) === e.target.value) ?? null)}
        >
          <option value="">
            {/* "none matches" once something was typed; before that, just the invitation */}
            {settled && found.data?.length === 0
              ? l('Ninguno coincide', 'None matches')
              : l('Elige…', 'Choose…')}
          </option>
          {options.map((x) => (
            <option key={idOf(x)} value={idOf(x)}>
              {labelOf(x)}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}

/** The next page of a list, while there is one. */
export function ShowMore({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const l = useL();
  if (!query.hasNextPage) return null;
  return (
    <button
      type="button"
      className="button small"
      disabled={query.isFetchingNextPage}
      onClick={() => void query.fetchNextPage()}
    >
      {l('Mostrar más', 'Show more')}
    </button>
  );
}

/**
 * A choice from one of SAT's catalogs (régimen fiscal, uso del CFDI), shown as "612 Personas
 * físicas…"; a stored value the list no longer offers (another persona, a retired key) stays
 * selectable instead of vanishing.
 */
export function SatSelect({
  value,
  options,
  empty,
  onChange,
}: {
  value: string;
  options: { id: string; texto: string }[];
  empty: string;
  onChange: (value: string) => void;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{empty}</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.id} {o.texto}
        </option>
      ))}
      {value && !options.some((o) => o.id === value) ? <option value={value}>{value}</option> : null}
    </select>
  );
}
