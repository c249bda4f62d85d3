import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ApiError, api, post } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { personaOf, receptorOptions } from '../facturar/api';
import { useFiscalSetup } from './InvoicingPages';
import { type CsdInfo, type FiscalSetup, fileToBase64 } from './invoicing';
import { useL } from './lang';
import { ErrorBox, Field, Loading, PageHeader, SatSelect } from './ui';

/** Which field of the setup forms a server error speaks about (validation errors carry a path). */
function errorsOf(err: unknown, byCode: Record<string, string>): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out = err.fieldErrors();
  const field = byCode[err.code];
  if (field) out[field] = err.message;
  return out;
}

const PROFILE_FIELDS: Record<string, string> = {
  CFDI_RFC_INVALID: 'rfc',
  CFDI_REGIMEN_INVALID: 'regimenFiscal',
  CFDI_REGIMEN_PERSONA: 'regimenFiscal',
};

const CSD_FIELDS: Record<string, string> = {
  CSD_INVALID: 'cer',
  CSD_IS_FIEL: 'cer',
  CSD_NOT_MATCHING_RFC: 'cer',
  CSD_EXPIRED: 'cer',
  CSD_KEY_CERT_MISMATCH: 'key',
  CSD_PASSWORD_WRONG: 'password',
};

const SERIES_FIELDS: Record<string, string> = { SERIES_DUPLICATE: 'serie' };

const TIPO_LABEL: Record<'I' | 'E' | 'P', [string, string]> = {
  I: ['Facturas (ingreso)', 'Invoices'],
  E: ['Notas de crédito (egreso)', 'Credit notes'],
  P: ['Complementos de pago', 'Payment receipts'],
};

/** Configuración fiscal: the issuer's data, expedition postal codes, series and the CSD. */
export function FiscalSetupPage() {
  const l = useL();
  const setup = useFiscalSetup();
  if (setup.isLoading) return <Loading />;
  if (!setup.data) return <ErrorBox error={setup.error} />;
  return (
    <div>
      <PageHeader title={l('Configuración fiscal', 'Fiscal setup')} />
      <ProfileForm setup={setup.data} />
      <CsdSection setup={setup.data} />
      <LocationsSection setup={setup.data} />
      <SeriesSection setup={setup.data} />
    </div>
  );
}

function ProfileForm({ setup }: { setup: FiscalSetup }) {
  const l = useL();
  const qc = useQueryClient();
  const p = setup.profile;
  const [form, setForm] = useState({
    rfc: p?.rfc ?? '',
    nombre: p?.nombre ?? '',
    regimenFiscal: p?.regimenFiscal ?? '',
    selfInvoiceMode: p?.selfInvoiceMode ?? 'days',
    selfInvoiceDays: String(p?.selfInvoiceDays ?? 30),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const options = useQuery({
    queryKey: ['receptor-options'],
    queryFn: receptorOptions,
    staleTime: 3_600_000,
  });
  const persona = personaOf(form.rfc);
  const regimenes = useMemo(
    () => (options.data?.regimenes ?? []).filter((r) => !persona || r[persona]),
    [options.data, persona],
  );
  const save = useMutation({
    mutationFn: () =>
      api<FiscalSetup>('PUT', '/invoicing/setup/profile', {
        rfc: form.rfc.trim().toUpperCase(),
        nombre: form.nombre.trim(),
        regimenFiscal: form.regimenFiscal,
        selfInvoiceMode: form.selfInvoiceMode,
        selfInvoiceDays: /^\d+$/.test(form.selfInvoiceDays) ? Number(form.selfInvoiceDays) : -1,
      }),
    onSuccess: (next) => {
      setErrors({});
      setSaved(true);
      qc.setQueryData(['fiscal-setup'], next);
    },
    onError: (err) => {
      setSaved(false);
      setErrors(errorsOf(err, PROFILE_FIELDS));
    },
  });
  const set = (k: keyof typeof form, v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrors((e) => ({ ...e, [k]: '' }));
    setSaved(false);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const hasFieldError = Object.values(errors).some(Boolean);
  return (
    <form className="card bo-section" onSubmit={submit} noValidate data-testid="fiscal-profile">
      <h2>{l('Datos fiscales del negocio', 'Business fiscal data')}</h2>
      <p className="muted small">
        {l(
          'Cópialos de tu constancia de situación fiscal: el nombre va exactamente como lo tiene el SAT, sin «S.A. de C.V.» si la constancia no lo trae.',
          'Copy them from your SAT tax certificate: the name exactly as SAT has it.',
        )}
      </p>
      <div className="bo-grid">
        <Field label="RFC" error={errors.rfc}>
          <input
            value={form.rfc}
            maxLength={13}
            autoComplete="off"
            onChange={(e) => set('rfc', e.target.value.toUpperCase())}
          />
        </Field>
        <Field
          label={l(
            'Nombre o razón social (como en la constancia)',
            'Registered name (as in the certificate)',
          )}
          error={errors.nombre}
          wide
        >
          <input value={form.nombre} onChange={(e) => set('nombre', e.target.value.toUpperCase())} />
        </Field>
        <Field label={l('Régimen fiscal', 'Tax regime')} error={errors.regimenFiscal} wide>
          <SatSelect
            value={form.regimenFiscal}
            options={regimenes}
            empty={l('Elige tu régimen…', 'Choose…')}
            onChange={(v) => set('regimenFiscal', v)}
          />
        </Field>
        <Field
          label={l('¿Hasta cuándo se pueden autofacturar?', 'Self-invoicing window')}
          error={errors.selfInvoiceMode}
        >
          <select value={form.selfInvoiceMode} onChange={(e) => set('selfInvoiceMode', e.target.value)}>
            <option value="days">
              {l('Unos días después de la compra', 'Some days after the purchase')}
            </option>
            <option value="month">
              {l('Hasta el fin del mes de la compra', 'Until the end of the month')}
            </option>
          </select>
        </Field>
        {form.selfInvoiceMode === 'days' ? (
          <Field label={l('Días para autofacturar', 'Days to self-invoice')} error={errors.selfInvoiceDays}>
            <input
              inputMode="numeric"
              value={form.selfInvoiceDays}
              onChange={(e) => set('selfInvoiceDays', e.target.value)}
            />
          </Field>
        ) : null}
      </div>
      <p className="muted small">
        {l(
          'Después de ese plazo el cliente ya no puede facturar desde la página /facturar y el ticket entra en la factura global.',
          'After that the customer can no longer self-invoice and the ticket goes in the global invoice.',
        )}
      </p>
      {!hasFieldError ? <ErrorBox error={save.error} /> : null}
      {saved ? <p className="ok-box">{l('Datos fiscales guardados.', 'Fiscal data saved.')}</p> : null}
      <button type="submit" className="button primary" disabled={save.isPending}>
        {save.isPending ? l('Guardando…', 'Saving…') : l('Guardar datos fiscales', 'Save fiscal data')}
      </button>
    </form>
  );
}

/** The CSD on file (number, validity, expiry warning) and the upload of a new one. */
function CsdSection({ setup }: { setup: FiscalSetup }) {
  const l = useL();
  const qc = useQueryClient();
  const [cer, setCer] = useState<File | null>(null);
  const [key, setKey] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formKey, setFormKey] = useState(0);
  const upload = useMutation({
    mutationFn: async () => {
      const local: Record<string, string> = {};
      if (!cer) local.cer = l('Elige el archivo .cer de tu CSD.', 'Choose your CSD .cer file.');
      if (!key) local.key = l('Elige el archivo .key de tu CSD.', 'Choose your CSD .key file.');
      if (!password)
        local.password = l('Escribe la contraseña de la llave privada.', 'Type the key password.');
      if (Object.keys(local).length) throw new ApiError(400, 'LOCAL', '', { local });
      return post<CsdInfo>('/invoicing/setup/csd', {
        cer: await fileToBase64(cer!),
        key: await fileToBase64(key!),
        password,
      });
    },
    onSuccess: () => {
      setErrors({});
      setPassword('');
      setCer(null);
      setKey(null);
      setFormKey((k) => k + 1);
      void qc.invalidateQueries({ queryKey: ['fiscal-setup'] });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'LOCAL')
        return setErrors(err.details.local as Record<string, string>);
      setErrors(errorsOf(err, CSD_FIELDS));
    },
  });
  const csd = setup.csd;
  const hasFieldError = Object.values(errors).some(Boolean);
  return (
    <section className="card bo-section" data-testid="csd-section">
      <h2>{l('Certificado de sello digital (CSD)', 'Digital seal certificate (CSD)')}</h2>
      {csd ? (
        <>
          <dl className="bo-facts" data-testid="csd-info">
            <div>
              <dt>{l('Número de certificado', 'Certificate number')}</dt>
              <dd className="uuid">{csd.noCertificado}</dd>
            </div>
            <div>
              <dt>RFC</dt>
              <dd>{csd.rfc}</dd>
            </div>
            <div>
              <dt>{l('Vigente', 'Valid')}</dt>
              <dd>
                {l('del', 'from')} {formatDate(csd.validFrom)} {l('al', 'to')} {formatDate(csd.validTo)}
              </dd>
            </div>
            <div>
              <dt>{l('Vence en', 'Expires in')}</dt>
              <dd>
                {csd.expiresInDays >= 0
                  ? `${csd.expiresInDays} ${l('días', 'days')}`
                  : l('Ya venció', 'Expired')}
              </dd>
            </div>
          </dl>
          {csd.warnings.includes('CSD_EXPIRED') ? (
            <p className="error bo-error" role="alert">
              {l(
                `Tu CSD venció el ${formatDate(csd.validTo)}: no puedes timbrar facturas. Tramita uno nuevo en el portal del SAT (CertiSAT) con tu e.firma y súbelo aquí.`,
                `Your CSD expired on ${formatDate(csd.validTo)}: you cannot stamp invoices. Get a new one at SAT and upload it here.`,
              )}
            </p>
          ) : csd.warnings.includes('CSD_EXPIRING') ? (
            <p className="warn-box" data-testid="csd-expiring">
              {l(
                `Tu CSD vence en ${csd.expiresInDays} días (${formatDate(csd.validTo)}). Tramita uno nuevo en el portal del SAT (CertiSAT) con tu e.firma y súbelo aquí antes de esa fecha.`,
                `Your CSD expires in ${csd.expiresInDays} days (${formatDate(csd.validTo)}). Get a new one at SAT and upload it before then.`,
              )}
            </p>
          ) : null}
        </>
      ) : (
        <p className="warn-box">
          {l(
            'Todavía no hay CSD: sin él no se pueden sellar facturas. Lo descargas del portal del SAT (CertiSAT) con tu e.firma: son un archivo .cer, un .key y la contraseña que elegiste.',
            'No CSD yet: invoices cannot be sealed without it. Download it from SAT (CertiSAT): a .cer, a .key and your password.',
          )}
        </p>
      )}
      {!setup.profile ? (
        <p className="muted">
          {l(
            'Primero guarda los datos fiscales: el CSD se revisa contra tu RFC.',
            'Save the fiscal data first: the CSD is checked against your RFC.',
          )}
        </p>
      ) : (
        <form
          key={formKey}
          onSubmit={(e) => {
            e.preventDefault();
            upload.mutate();
          }}
          noValidate
        >
          <h3>{csd ? l('Cambiar el CSD', 'Replace the CSD') : l('Subir el CSD', 'Upload the CSD')}</h3>
          <div className="bo-grid">
            <Field label={l('Certificado (.cer)', 'Certificate (.cer)')} error={errors.cer}>
              <input
                type="file"
                accept=".cer"
                onChange={(e) => {
                  setCer(e.target.files?.[0] ?? null);
                  setErrors((x) => ({ ...x, cer: '' }));
                }}
              />
            </Field>
            <Field label={l('Llave privada (.key)', 'Private key (.key)')} error={errors.key}>
              <input
                type="file"
                accept=".key"
                onChange={(e) => {
                  setKey(e.target.files?.[0] ?? null);
                  setErrors((x) => ({ ...x, key: '' }));
                }}
              />
            </Field>
            <Field
              label={l('Contraseña de la llave privada', 'Private key password')}
              error={errors.password}
            >
              <input
                type="password"
                autoComplete="off"
                value={password}
                onChange={(e) => {
                  setPassword(e.target.value);
                  setErrors((x) => ({ ...x, password: '' }));
                }}
              />
            </Field>
          </div>
          <p className="muted small">
            {l(
              'Revisamos que sea un CSD (no tu e.firma), que sea de tu RFC y que esté vigente. La llave y la contraseña se guardan cifradas.',
              'We check it is a CSD (not your e.firma), of your RFC and in force. Key and password are stored encrypted.',
            )}
          </p>
          {!hasFieldError ? <ErrorBox error={upload.error} /> : null}
          <button type="submit" className="button primary" disabled={upload.isPending}>
            {upload.isPending ? l('Revisando…', 'Checking…') : l('Subir CSD', 'Upload CSD')}
          </button>
        </form>
      )}
    </section>
  );
}

/** LugarExpedicion: the postal code printed on each location's invoices. */
function LocationsSection({ setup }: { setup: FiscalSetup }) {
  const l = useL();
  return (
    <section className="card bo-section">
      <h2>{l('Lugar de expedición por sucursal', 'Place of issue per location')}</h2>
      <p className="muted small">
        {l(
          'El código postal de cada sucursal va en sus facturas como lugar de expedición.',
          'Each location’s postal code goes on its invoices as the place of issue.',
        )}
      </p>
      <table className="lines compact" data-testid="expedition-table">
        <tbody>
          {setup.locations.map((loc) => (
            <LocationRow key={loc.locationId} loc={loc} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function LocationRow({ loc }: { loc: FiscalSetup['locations'][number] }) {
  const l = useL();
  const qc = useQueryClient();
  const [cp, setCp] = useState(loc.postalCode ?? '');
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => setCp(loc.postalCode ?? ''), [loc.postalCode]);
  const save = useMutation({
    mutationFn: () => api('PUT', `/invoicing/setup/locations/${loc.locationId}`, { postalCode: cp.trim() }),
    onSuccess: () => {
      setError('');
      setSaved(true);
      void qc.invalidateQueries({ queryKey: ['fiscal-setup'] });
    },
    onError: (err) => {
      setSaved(false);
      setError(err instanceof ApiError ? (err.fieldErrors().postalCode ?? err.message) : '');
    },
  });
  return (
    <tr>
      <td>{loc.name}</td>
      <td>
        <Field label={l('Código postal', 'Postal code')} error={error}>
          <input
            inputMode="numeric"
            maxLength={5}
            value={cp}
            onChange={(e) => {
              setCp(e.target.value);
              setSaved(false);
            }}
            aria-label={`${l('Código postal de', 'Postal code of')} ${loc.name}`}
          />
        </Field>
      </td>
      <td>
        <button
          type="button"
          className="button small"
          disabled={save.isPending || cp.trim() === (loc.postalCode ?? '')}
          onClick={() => save.mutate()}
        >
          {l('Guardar', 'Save')}
        </button>{' '}
        {saved ? <span className="badge ok">{l('Guardado', 'Saved')}</span> : null}
        {!error && save.error ? <ErrorBox error={save.error} /> : null}
      </td>
    </tr>
  );
}

/** Series and folios per CFDI type; without any, A, NC and P start at 1 on first use. */
function SeriesSection({ setup }: { setup: FiscalSetup }) {
  const l = useL();
  const qc = useQueryClient();
  const [form, setForm] = useState({
    serie: '',
    tipo: 'I' as 'I' | 'E' | 'P',
    nextFolio: '1',
    isDefault: true,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      post('/invoicing/setup/series', {
        serie: form.serie.trim().toUpperCase(),
        tipo: form.tipo,
        nextFolio: /^\d+$/.test(form.nextFolio) ? Number(form.nextFolio) : 0,
        isDefault: form.isDefault,
      }),
    onSuccess: () => {
      setErrors({});
      setForm({ serie: '', tipo: 'I', nextFolio: '1', isDefault: true });
      void qc.invalidateQueries({ queryKey: ['fiscal-setup'] });
    },
    onError: (err) => setErrors(errorsOf(err, SERIES_FIELDS)),
  });
  const hasFieldError = Object.values(errors).some(Boolean);
  return (
    <section className="card bo-section">
      <h2>{l('Series y folios', 'Series and folios')}</h2>
      {setup.series.length === 0 ? (
        <p className="muted small">
          {l(
            'Sin series propias se usan A para facturas, NC para notas de crédito y P para complementos de pago, desde el folio 1.',
            'Without your own series, A (invoices), NC (credit notes) and P (payment receipts) are used from folio 1.',
          )}
        </p>
      ) : (
        <table className="lines compact" data-testid="series-table">
          <thead>
            <tr>
              <th>{l('Serie', 'Series')}</th>
              <th>{l('Para', 'For')}</th>
              <th className="num">{l('Siguiente folio', 'Next folio')}</th>
              <th>{l('Predeterminada', 'Default')}</th>
            </tr>
          </thead>
          <tbody>
            {setup.series.map((s) => (
              <tr key={s.serie}>
                <td>{s.serie}</td>
                <td>{l(...TIPO_LABEL[s.tipo])}</td>
                <td className="num">{s.nextFolio}</td>
                <td>{s.isDefault ? '✓' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <h3>{l('Nueva serie', 'New series')}</h3>
        <div className="bo-grid">
          <Field label={l('Serie (letras o números)', 'Series (letters or digits)')} error={errors.serie}>
            <input
              value={form.serie}
              onChange={(e) => setForm({ ...form, serie: e.target.value.toUpperCase() })}
            />
          </Field>
          <Field label={l('Para', 'For')} error={errors.tipo}>
            <select
              value={form.tipo}
              onChange={(e) => setForm({ ...form, tipo: e.target.value as 'I' | 'E' | 'P' })}
            >
              {(['I', 'E', 'P'] as const).map((t) => (
                <option key={t} value={t}>
                  {l(...TIPO_LABEL[t])}
                </option>
              ))}
            </select>
          </Field>
          <Field label={l('Primer folio', 'First folio')} error={errors.nextFolio}>
            <input
              inputMode="numeric"
              value={form.nextFolio}
              onChange={(e) => setForm({ ...form, nextFolio: e.target.value })}
            />
          </Field>
          <label className="bo-check">
            <input
              type="checkbox"
              checked={form.isDefault}
              onChange={(e) => setForm({ ...form, isDefault: e.target.checked })}
            />
            {l('Usarla desde ahora', 'Use it from now on')}
          </label>
        </div>
        {!hasFieldError ? <ErrorBox error={create.error} /> : null}
        <button type="submit" className="button" disabled={create.isPending || !form.serie.trim()}>
          {l('Agregar serie', 'Add series')}
        </button>
      </form>
    </section>
  );
}
