import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { NetworkError } from '../../lib/api';
import { formatDate, formatMoney, parseMoneyInput } from '../../lib/format';
import { getLocale, useT } from '../../lib/i18n';
import {
  ApiError,
  type Field,
  fieldOf,
  lookupTicket,
  personaOf,
  type Receptor,
  type ReceptorOptions,
  receptorOptions,
  requestInvoice,
  type SelfInvoiceResult,
  type TicketFound,
} from './api';
import './facturar.css';

type Errors = Partial<Record<Field | 'form', string>>;

/** Public copy: es-MX first, English second (the language switch re-renders through useT). */
function useL(): (es: string, en: string) => string {
  useT();
  return (es, en) => (getLocale() === 'en' ? en : es);
}

function errorsFrom(err: unknown, l: ReturnType<typeof useL>): Errors {
  if (err instanceof ApiError) return fieldOf(err);
  if (err instanceof NetworkError)
    return {
      form: l(
        'No hay conexión con la tienda. Revisa tu internet e inténtalo otra vez.',
        'No connection. Check your internet and try again.',
      ),
    };
  return { form: String(err) };
}

function FieldError({ id, text }: { id: string; text?: string }) {
  if (!text) return null;
  return (
    <span className="error field-error" id={id} role="alert" data-testid={id}>
      {text}
    </span>
  );
}

/** A labelled control with its help and the server's message under it (outside the label, so the name stays short). */
function FormField({
  id,
  label,
  help,
  error,
  children,
}: {
  id: string;
  label: string;
  help: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <span className="muted small" id={`help-${id}`}>
        {help}
      </span>
      <FieldError id={`err-${id}`} text={error} />
    </div>
  );
}

/**
 * /facturar: a customer turns a ticket into a CFDI. Step 1, the ticket code (the QR on the
 * receipt fills it: ?codigo=…) and the total; step 2, the receptor's fiscal data with régimen
 * and uso offered only in the combinations SAT allows; step 3, the PDF and XML links.
 */
export function FacturarPage() {
  const l = useL();
  const [params] = useSearchParams();
  const [code, setCode] = useState((params.get('codigo') ?? '').toUpperCase());
  const [totalText, setTotalText] = useState('');
  const [ticket, setTicket] = useState<TicketFound | null>(null);
  const [receptor, setReceptor] = useState<Receptor>({
    rfc: '',
    nombre: '',
    regimenFiscal: '',
    codigoPostal: '',
    usoCfdi: '',
  });
  const [options, setOptions] = useState<ReceptorOptions | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SelfInvoiceResult | null>(null);
  const totalRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const rfcRef = useRef<HTMLInputElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus once, on arrival (the QR fills the code)
  useEffect(() => {
    if (code) totalRef.current?.focus();
    else codeRef.current?.focus();
  }, []);

  useEffect(() => {
    receptorOptions()
      .then(setOptions)
      .catch(() => setOptions({ regimenes: [], usos: [] }));
  }, []);

  const persona = personaOf(receptor.rfc);
  const regimenes = useMemo(
    () => (options?.regimenes ?? []).filter((r) => !persona || r[persona]),
    [options, persona],
  );
  const usos = useMemo(
    () =>
      (options?.usos ?? []).filter(
        (u) =>
          (!persona || u[persona]) &&
          (!receptor.regimenFiscal || u.regimenes.includes(receptor.regimenFiscal)),
      ),
    [options, persona, receptor.regimenFiscal],
  );

  // A choice that no longer fits the RFC or the régimen is dropped (the server would refuse it).
  useEffect(() => {
    if (!options) return;
    setReceptor((r) => {
      let next = r;
      if (r.regimenFiscal && !regimenes.some((x) => x.id === r.regimenFiscal))
        next = { ...next, regimenFiscal: '' };
      if (r.usoCfdi && !usos.some((x) => x.id === r.usoCfdi)) next = { ...next, usoCfdi: '' };
      if (!next.usoCfdi && next.regimenFiscal && usos.some((x) => x.id === 'G03'))
        next = { ...next, usoCfdi: 'G03' };
      return next;
    });
  }, [options, regimenes, usos]);

  function set<K extends keyof Receptor>(key: K, value: Receptor[K]) {
    setReceptor((r) => ({ ...r, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
  }

  const total = parseMoneyInput(totalText);

  async function find(e: FormEvent) {
    e.preventDefault();
    const next: Errors = {};
    if (code.trim().length < 4)
      next.code = l(
        'Escribe el código de facturación de tu ticket.',
        'Type the invoicing code on your ticket.',
      );
    if (!total)
      next.total = l('Escribe el total del ticket, p. ej. 149.90.', 'Type the ticket total, e.g. 149.90.');
    setErrors(next);
    if (Object.keys(next).length > 0 || !total) return;
    setBusy(true);
    try {
      const t = await lookupTicket(code.trim().toUpperCase(), total);
      setTicket(t);
      if (!t.invoiced && t.canInvoice) setTimeout(() => rfcRef.current?.focus(), 0);
    } catch (err) {
      setErrors(errorsFrom(err, l));
    } finally {
      setBusy(false);
    }
  }

  async function invoice(e: FormEvent) {
    e.preventDefault();
    if (!ticket || !total) return;
    setBusy(true);
    setErrors({});
    try {
      const r = await requestInvoice(code.trim().toUpperCase(), total, {
        rfc: receptor.rfc.trim().toUpperCase(),
        nombre: receptor.nombre.trim(),
        regimenFiscal: receptor.regimenFiscal,
        codigoPostal: receptor.codigoPostal.trim(),
        usoCfdi: receptor.usoCfdi,
      });
      setResult(r);
    } catch (err) {
      // Nothing typed is lost: the form stays as it is, with the server's reason next to the field.
      setErrors(errorsFrom(err, l));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="facturar-page">
      <main className="card facturar-card">
        <header className="brand-row facturar-head">
          <img src="/icon.svg" alt="" width={32} height={32} />
          <h1>{l('Factura tu ticket', 'Invoice your ticket')}</h1>
          <span className="grow" />
          <LanguageSwitch />
        </header>

        {!ticket && (
          <form className="stack" onSubmit={find} aria-label={l('Buscar ticket', 'Find ticket')} noValidate>
            <p className="muted">
              {l(
                'Necesitas tu ticket de compra y los datos de tu Constancia de Situación Fiscal.',
                'You need your receipt and the data on your tax status certificate (Constancia de Situación Fiscal).',
              )}
            </p>
            <FormField
              id="code"
              label={l('Código de facturación', 'Invoicing code')}
              error={errors.code}
              help={l(
                'Viene impreso en tu ticket junto al código QR: 8 letras y números.',
                'Printed on your ticket next to the QR code: 8 letters and digits.',
              )}
            >
              <input
                ref={codeRef}
                name="codigo"
                autoComplete="off"
                autoCapitalize="characters"
                maxLength={16}
                value={code}
                aria-invalid={!!errors.code}
                id="code"
                aria-describedby="help-code err-code"
                onChange={(e) => {
                  setCode(e.target.value.toUpperCase());
                  setErrors({});
                }}
              />
            </FormField>
            <FormField
              id="total"
              label={l('Total del ticket', 'Ticket total')}
              error={errors.total}
              help={l('El total que pagaste, con centavos.', 'The total you paid, with cents.')}
            >
              <input
                ref={totalRef}
                name="total"
                inputMode="decimal"
                autoComplete="off"
                placeholder="149.90"
                value={totalText}
                aria-invalid={!!errors.total}
                id="total"
                aria-describedby="help-total err-total"
                onChange={(e) => {
                  setTotalText(e.target.value);
                  setErrors({});
                }}
              />
            </FormField>
            <FieldError id="err-form" text={errors.form} />
            <button type="submit" className="primary big" disabled={busy}>
              {busy ? l('Buscando…', 'Searching…') : l('Buscar mi ticket', 'Find my ticket')}
            </button>
          </form>
        )}

        {ticket && (
          <section className="ticket-found" data-testid="ticket-found">
            <div>
              <strong>{ticket.business}</strong>
              <div className="muted">
                {l('Ticket', 'Ticket')} {ticket.ticketNumber} · {formatDate(ticket.date)} ·{' '}
                <strong>{formatMoney(ticket.total)}</strong>
              </div>
            </div>
            {!result && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setTicket(null);
                  setErrors({});
                }}
              >
                {l('Otro ticket', 'Another ticket')}
              </button>
            )}
          </section>
        )}

        {ticket && ticket.refunded !== '0.00' && !ticket.invoiced && !result && (
          <p className="info" data-testid="partly-returned">
            {l(
              `Devolviste parte de esta compra (${formatMoney(ticket.refunded)}): la factura será por lo que te quedaste, ${formatMoney(ticket.invoiceTotal)}.`,
              `Part of this purchase was returned (${formatMoney(ticket.refunded)}): the invoice will be for what you kept, ${formatMoney(ticket.invoiceTotal)}.`,
            )}
          </p>
        )}
        {ticket?.invoiced && !result && (
          <p className="warn-box" data-testid="already-invoiced">
            {l(
              'Este ticket ya está facturado. Si no recibiste tu factura, pídela en la tienda.',
              'This ticket is already invoiced. If you did not get your invoice, ask at the store.',
            )}
          </p>
        )}
        {ticket && !ticket.invoiced && !ticket.canInvoice && (
          <p className="warn-box" data-testid="expired">
            {l(
              `El plazo para facturar este ticket venció el ${formatDate(ticket.deadline)}. Pide tu factura en la tienda.`,
              `The deadline to invoice this ticket was ${formatDate(ticket.deadline)}. Ask at the store.`,
            )}
          </p>
        )}

        {ticket && !ticket.invoiced && ticket.canInvoice && !result && (
          <form className="stack" onSubmit={invoice} aria-label={l('Datos fiscales', 'Tax data')} noValidate>
            <p className="muted small">
              {l(
                `Puedes facturarlo hasta el ${formatDate(ticket.deadline)}. Escribe los datos tal como aparecen en tu Constancia de Situación Fiscal.`,
                `You can invoice it until ${formatDate(ticket.deadline)}. Type the data exactly as on your tax status certificate.`,
              )}
            </p>
            <FormField
              id="rfc"
              label={'RFC'}
              error={errors.rfc}
              help={
                persona === 'fisica'
                  ? l('Persona física (13 caracteres).', 'Individual (13 characters).')
                  : persona === 'moral'
                    ? l('Persona moral, es decir, una empresa (12 caracteres).', 'Company (12 characters).')
                    : l(
                        '13 caracteres si eres persona física; 12 si es una empresa (persona moral).',
                        '13 characters for an individual; 12 for a company.',
                      )
              }
            >
              <input
                ref={rfcRef}
                name="rfc"
                autoComplete="off"
                autoCapitalize="characters"
                maxLength={13}
                value={receptor.rfc}
                aria-invalid={!!errors.rfc}
                id="rfc"
                aria-describedby="help-rfc err-rfc"
                onChange={(e) => set('rfc', e.target.value.toUpperCase().replace(/\s/g, ''))}
              />
            </FormField>
            <FormField
              id="nombre"
              label={l('Nombre o razón social', 'Name or company name')}
              error={errors.nombre}
              help={l(
                'Igual que en tu constancia. Las empresas van sin «S.A. de C.V.» ni otro régimen de sociedad.',
                'As on the certificate. Companies go without "S.A. de C.V." or any other company type.',
              )}
            >
              <input
                name="nombre"
                autoComplete="off"
                maxLength={300}
                value={receptor.nombre}
                aria-invalid={!!errors.nombre}
                id="nombre"
                aria-describedby="help-nombre err-nombre"
                onChange={(e) => set('nombre', e.target.value.toUpperCase())}
              />
            </FormField>
            <FormField
              id="regimen"
              label={l('Régimen fiscal', 'Tax regime')}
              error={errors.regimenFiscal}
              help={l(
                'Viene en tu constancia, en «Regímenes». Solo mostramos los que corresponden a tu tipo de RFC.',
                'It is on your certificate under "Regímenes". Only those for your kind of RFC are listed.',
              )}
            >
              <select
                name="regimenFiscal"
                value={receptor.regimenFiscal}
                aria-invalid={!!errors.regimenFiscal}
                id="regimen"
                aria-describedby="help-regimen err-regimen"
                onChange={(e) => set('regimenFiscal', e.target.value)}
              >
                <option value="">{l('Elige tu régimen…', 'Choose your regime…')}</option>
                {regimenes.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.id} · {r.texto}
                  </option>
                ))}
              </select>
            </FormField>
            <FormField
              id="cp"
              label={l('Código postal de tu domicilio fiscal', 'Postal code of your tax address')}
              error={errors.codigoPostal}
              help={l(
                '5 dígitos, el de tu constancia (no el de tu casa si es distinto).',
                '5 digits, as on the certificate.',
              )}
            >
              <input
                name="codigoPostal"
                inputMode="numeric"
                autoComplete="postal-code"
                maxLength={5}
                value={receptor.codigoPostal}
                aria-invalid={!!errors.codigoPostal}
                id="cp"
                aria-describedby="help-cp err-cp"
                onChange={(e) => set('codigoPostal', e.target.value.replace(/\D/g, ''))}
              />
            </FormField>
            <FormField
              id="uso"
              label={l('Uso del CFDI', 'CFDI use')}
              error={errors.usoCfdi}
              help={l(
                'Para qué usarás la factura. Si no sabes, «G03 · Gastos en general» es el más común.',
                'What the invoice is for. If unsure, "G03 · Gastos en general" is the usual one.',
              )}
            >
              <select
                name="usoCfdi"
                value={receptor.usoCfdi}
                disabled={!receptor.regimenFiscal}
                aria-invalid={!!errors.usoCfdi}
                id="uso"
                aria-describedby="help-uso err-uso"
                onChange={(e) => set('usoCfdi', e.target.value)}
              >
                <option value="">
                  {receptor.regimenFiscal
                    ? l('Elige el uso…', 'Choose the use…')
                    : l('Primero elige tu régimen', 'Choose your regime first')}
                </option>
                {usos.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.id} · {u.texto}
                  </option>
                ))}
              </select>
            </FormField>
            <p className="muted small" data-testid="privacy-line">
              {l(
                'Usamos tus datos fiscales solo para emitir y guardar tu factura, como pide el SAT. ',
                'Your tax data is used only to issue and keep your invoice, as SAT requires. ',
              )}
              <a href={ticket.privacyNoticeUrl} target="_blank" rel="noreferrer">
                {l('Aviso de privacidad', 'Privacy notice')}
              </a>
            </p>
            <FieldError id="err-form" text={errors.form} />
            <button
              type="submit"
              className="primary big"
              disabled={
                busy ||
                !persona ||
                !receptor.nombre.trim() ||
                !receptor.regimenFiscal ||
                receptor.codigoPostal.length !== 5 ||
                !receptor.usoCfdi
              }
            >
              {busy
                ? l('Generando tu factura…', 'Issuing your invoice…')
                : l('Generar factura', 'Issue invoice')}
            </button>
          </form>
        )}

        {result && (
          <section className="stack" data-testid="invoice-result">
            {result.status === 'stamped' ? (
              <p className="ok-box">
                {l('¡Listo! Tu factura está timbrada.', 'Done! Your invoice is stamped.')}
                {result.uuid && (
                  <>
                    <br />
                    <span className="small">
                      {l('Folio fiscal (UUID)', 'Fiscal folio (UUID)')}:{' '}
                      <span data-testid="invoice-uuid">{result.uuid}</span>
                    </span>
                  </>
                )}
              </p>
            ) : (
              <p className="warn-box">
                {result.message ??
                  l(
                    'Tu factura quedó registrada y se timbrará en unos minutos; estos enlaces funcionarán entonces.',
                    'Your invoice is recorded and will be stamped in a few minutes; these links will work then.',
                  )}
              </p>
            )}
            <p className="big-amount">{formatMoney(result.total)}</p>
            <div className="row">
              <a
                className="button primary"
                href={result.pdfUrl}
                target="_blank"
                rel="noreferrer"
                data-testid="pdf-link"
              >
                {l('Descargar PDF', 'Download PDF')}
              </a>
              <a className="button" href={result.xmlUrl} download data-testid="xml-link">
                {l('Descargar XML', 'Download XML')}
              </a>
            </div>
            <p className="muted small">
              {l(
                'Guarda los dos archivos: el XML es la factura ante el SAT; el PDF es su representación impresa.',
                'Keep both files: the XML is the invoice for SAT; the PDF is its printed form.',
              )}
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
