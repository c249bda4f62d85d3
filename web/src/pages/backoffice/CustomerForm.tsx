import type { zCustomer } from '@server/modules/customers/customers.schemas.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import type { z } from 'zod';
import { isManager, useAuth } from '../../app/auth';
import { type ApiError, api, get, post, qs } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { personaOf, receptorOptions } from '../facturar/api';
import { usosFor } from './InvoiceTicketsPage';
import { useL } from './lang';
import type { PrivacyRequest } from './PrivacyPages';
import { ErrorBox, Field, fieldErrorsOf, SatSelect } from './ui';

/** The fields of a customer (the route's own schema, as a type) this form edits. */
export type EditableCustomer = Pick<
  z.output<typeof zCustomer>,
  | 'id'
  | 'name'
  | 'phone'
  | 'email'
  | 'rfc'
  | 'razonSocial'
  | 'regimenFiscal'
  | 'usoCfdi'
  | 'codigoPostal'
  | 'notes'
>;

type Form = Record<Exclude<keyof EditableCustomer, 'id'>, string>;

const blank: Form = {
  name: '',
  phone: '',
  email: '',
  rfc: '',
  razonSocial: '',
  regimenFiscal: '',
  usoCfdi: '',
  codigoPostal: '',
  notes: '',
};

/** Which field a customer error code speaks about (the server's Spanish message goes under it). */
function fieldOfCode(e: ApiError): string | null {
  if (e.code.startsWith('CUSTOMER_PHONE') || e.code === 'CUSTOMER_CONTACT_REQUIRED') return 'phone';
  if (e.code.startsWith('CUSTOMER_EMAIL')) return 'email';
  if (e.code.startsWith('CUSTOMER_RFC')) return 'rfc';
  if (e.code.startsWith('CUSTOMER_REGIMEN') || e.code === 'CUSTOMER_GENERIC_RFC_FISCAL')
    return 'regimenFiscal';
  if (e.code.startsWith('CUSTOMER_USO_CFDI')) return 'usoCfdi';
  if (e.code === 'CUSTOMER_CODIGO_POSTAL_INVALID') return 'codigoPostal';
  return null;
}

/**
 * A customer's data, new or edited: contact, fiscal data for invoicing (régimen and uso offered
 * as SAT allows them for the RFC) and notes. Editing a customer with an open rectification request
 * (ARCO) answers it in the same step. The server checks everything; its message shows under the
 * field it is about.
 */
export function CustomerForm({
  customer,
  onSaved,
  onCancel,
  onOpen,
}: {
  customer: EditableCustomer | null;
  onSaved: (c: EditableCustomer) => void;
  onCancel: () => void;
  /** Opens another customer (the one that already has this phone or e-mail). */
  onOpen: (id: string) => void;
}) {
  const l = useL();
  const qc = useQueryClient();
  const { user } = useAuth();
  const [form, setForm] = useState<Form>(() =>
    customer
      ? (Object.fromEntries(Object.keys(blank).map((k) => [k, customer[k as keyof Form] ?? ''])) as Form)
      : blank,
  );
  const [consent, setConsent] = useState(false);
  const set = (k: keyof Form, v: string) => setForm((f) => ({ ...f, [k]: v }));
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
  const usos = useMemo(
    () => usosFor(options.data, persona, form.regimenFiscal),
    [options.data, persona, form.regimenFiscal],
  );
  const requests = useQuery({
    queryKey: ['privacy-requests', customer?.id],
    queryFn: () =>
      get<{ items: PrivacyRequest[] }>(`/privacy-requests${qs({ customerId: customer?.id })}`).then(
        (r) => r.items,
      ),
    // ARCO requests are the managers' to see
    enabled: !!customer && isManager(user),
  });
  const rectification = (requests.data ?? []).find((r) => r.kind === 'rectification' && r.status === 'open');
  const [answer, setAnswer] = useState(true);

  const save = useMutation({
    mutationFn: async () => {
      const body = Object.fromEntries(
        Object.entries(form).map(([k, v]) => [k, v.trim() === '' ? (k === 'name' ? '' : null) : v.trim()]),
      );
      const saved = customer
        ? await api<EditableCustomer>('PATCH', `/customers/${customer.id}`, body)
        : await post<EditableCustomer>('/customers', {
            ...body,
            ...(consent ? { marketingConsent: { granted: true, channel: 'counter' } } : {}),
          });
      if (rectification && answer) {
        await post(`/privacy-requests/${rectification.id}/resolve`, {
          status: 'done',
          resolution: l('Datos corregidos en su ficha.', 'Data corrected on the record.'),
        });
      }
      return saved;
    },
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['customer'] });
      void qc.invalidateQueries({ queryKey: ['privacy-requests'] });
      onSaved(c);
    },
  });
  const errors = fieldErrorsOf(save.error, fieldOfCode);
  const duplicateOf =
    save.error && (save.error as ApiError).details?.customerId
      ? String((save.error as ApiError).details.customerId)
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const input = (k: keyof Form, props: Record<string, unknown> = {}) => (
    <input value={form[k]} onChange={(e) => set(k, e.target.value)} {...props} />
  );
  return (
    <form
      className="bo-customer-form"
      onSubmit={submit}
      noValidate
      aria-label={customer ? l('Editar cliente', 'Edit customer') : l('Nuevo cliente', 'New customer')}
    >
      <h2>
        {customer ? l('Editar datos del cliente', 'Edit customer data') : l('Nuevo cliente', 'New customer')}
      </h2>
      <div className="bo-grid">
        <Field label={l('Nombre', 'Name')} error={errors.name} wide>
          {input('name', { maxLength: 200 })}
        </Field>
        <Field label={l('Teléfono (WhatsApp)', 'Phone (WhatsApp)')} error={errors.phone}>
          {input('phone', { inputMode: 'tel', maxLength: 40, placeholder: '55 1234 5678' })}
        </Field>
        <Field label={l('Correo', 'E-mail')} error={errors.email}>
          {input('email', { type: 'email', maxLength: 254 })}
        </Field>
      </div>
      {duplicateOf && duplicateOf !== customer?.id ? (
        <button type="button" className="button small" onClick={() => onOpen(duplicateOf)}>
          {l('Ver el cliente que ya lo tiene', 'Open the customer who has it')}
        </button>
      ) : null}
      <h3>{l('Datos para facturar', 'Invoicing data')}</h3>
      <div className="bo-grid">
        <Field label="RFC" error={errors.rfc}>
          <input
            value={form.rfc}
            maxLength={20}
            autoComplete="off"
            onChange={(e) => set('rfc', e.target.value.toUpperCase())}
          />
        </Field>
        <Field
          label={l('Nombre o razón social (como en su constancia)', 'Legal name (as on the certificate)')}
          error={errors.razonSocial}
          wide
        >
          <input
            value={form.razonSocial}
            maxLength={254}
            onChange={(e) => set('razonSocial', e.target.value.toUpperCase())}
          />
        </Field>
        <Field label={l('Régimen fiscal', 'Tax regime')} error={errors.regimenFiscal}>
          <SatSelect
            value={form.regimenFiscal}
            options={regimenes}
            empty={l('Sin capturar', 'Not set')}
            onChange={(v) => set('regimenFiscal', v)}
          />
        </Field>
        <Field label={l('Uso del CFDI', 'CFDI use')} error={errors.usoCfdi}>
          <SatSelect
            value={form.usoCfdi}
            options={usos}
            empty={l('Sin capturar', 'Not set')}
            onChange={(v) => set('usoCfdi', v)}
          />
        </Field>
        <Field label={l('Código postal fiscal', 'Fiscal postal code')} error={errors.codigoPostal}>
          {input('codigoPostal', { inputMode: 'numeric', maxLength: 5 })}
        </Field>
      </div>
      <Field label={l('Notas', 'Notes')} error={errors.notes} wide>
        <textarea
          rows={2}
          maxLength={2000}
          value={form.notes}
          onChange={(e) => set('notes', e.target.value)}
        />
      </Field>
      {customer ? null : (
        <label className="check">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />{' '}
          {l(
            'Acepta recibir promociones (lo dijo en mostrador)',
            'Agrees to receive offers (said so at the counter)',
          )}
        </label>
      )}
      {rectification ? (
        <label className="check">
          <input type="checkbox" checked={answer} onChange={(e) => setAnswer(e.target.checked)} />{' '}
          {l(
            `Con esto se atiende su solicitud de rectificación del ${formatDate(rectification.receivedAt)}`,
            `This answers their rectification request of ${formatDate(rectification.receivedAt)}`,
          )}
        </label>
      ) : null}
      {Object.keys(errors).length ? null : <ErrorBox error={save.error} />}
      <div className="bo-row">
        <button type="submit" className="button primary" disabled={save.isPending}>
          {l('Guardar', 'Save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {l('Cancelar', 'Cancel')}
        </button>
      </div>
    </form>
  );
}
