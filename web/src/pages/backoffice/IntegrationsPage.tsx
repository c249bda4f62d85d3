import type { zDelivery, zWebhook } from '@server/modules/events/events.schemas.js';
import type { zApiToken } from '@server/modules/identity/identity.schemas.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { api, get, post } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useL } from './lang';
import type { Page } from './types';
import { ErrorBox, Field, fieldErrorsOf, Loading, PageHeader } from './ui';

// The routes' own response schemas, as types.
type ApiToken = z.output<typeof zApiToken>;
type Webhook = z.output<typeof zWebhook>;
type Delivery = z.output<typeof zDelivery>;

/** Event types an integration usually wants; any other (or "*") can be typed. */
const COMMON_EVENTS: [string, [string, string]][] = [
  ['sale.completed', ['Ventas en mostrador', 'Counter sales']],
  ['return.recorded', ['Devoluciones', 'Returns']],
  ['stock.changed', ['Cambios de existencias', 'Stock changes']],
  ['stock.low', ['Existencias bajas', 'Low stock']],
  ['order.*', ['Pedidos (todos sus cambios)', 'Orders (every change)']],
  ['customer.*', ['Clientes', 'Customers']],
  ['invoice.*', ['Facturas', 'Invoices']],
];

const STATUS_LABEL: Record<Delivery['status'], [string, string]> = {
  pending: ['Por enviar', 'Pending'],
  delivered: ['Entregado', 'Delivered'],
  failed: ['Falló, se reintenta', 'Failed, will retry'],
  dead: ['Sin entregar (se agotaron los intentos)', 'Given up'],
};

/** A secret shown once: copy it now, it is never shown again. */
function ShownOnce({ label, value, onClose }: { label: string; value: string; onClose: () => void }) {
  const l = useL();
  return (
    <div className="card bo-section bo-secret" role="status" data-testid="shown-once">
      <p>
        <strong>{label}</strong>{' '}
        {l('Cópialo ahora: no se vuelve a mostrar.', 'Copy it now: it is never shown again.')}
      </p>
      <code className="bo-secret-value">{value}</code>
      <div className="bo-row">
        <button
          type="button"
          className="button small"
          onClick={() => void navigator.clipboard?.writeText(value)}
        >
          {l('Copiar', 'Copy')}
        </button>
        <button type="button" className="button small" onClick={onClose}>
          {l('Ya lo guardé', 'I saved it')}
        </button>
      </div>
    </div>
  );
}

function ApiTokens() {
  const l = useL();
  const qc = useQueryClient();
  const tokens = useQuery({
    queryKey: ['api-tokens'],
    queryFn: () => get<{ items: ApiToken[] }>('/api-tokens').then((r) => r.items),
  });
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: { id: string; name: string }[] }>('/users').then((r) => r.items),
  });
  const userName = (id: string) => users.data?.find((u) => u.id === id)?.name ?? id;
  const [name, setName] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => post<ApiToken & { token: string }>('/api-tokens', { name }),
    onSuccess: (t) => {
      setName('');
      setShown(t.token);
      void qc.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `/api-tokens/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  const errors = fieldErrorsOf(create.error);
  return (
    <section className="card bo-section" data-testid="api-tokens">
      <h2>{l('Tokens de API', 'API tokens')}</h2>
      <p className="small muted">
        {l(
          'Para que otro sistema (tu tienda en línea, tu contabilidad) use la API: Authorization: Bearer <token>. Actúa con tus permisos.',
          'For another system (your online store, your accounting) to use the API: Authorization: Bearer <token>. It acts with your permissions.',
        )}{' '}
        <a href="/docs" target="_blank" rel="noreferrer">
          {l('Documentación de la API', 'API documentation')}
        </a>
      </p>
      {shown ? (
        <ShownOnce label={l('Token nuevo:', 'New token:')} value={shown} onClose={() => setShown(null)} />
      ) : null}
      <form
        className="bo-row"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label={l('Nombre (para qué es)', 'Name (what it is for)')} error={errors.name}>
          <input
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            placeholder="Shopify"
          />
        </Field>
        <button type="submit" className="button primary" disabled={create.isPending || !name.trim()}>
          {l('Crear token', 'Create token')}
        </button>
      </form>
      <ErrorBox error={errors.name ? null : (create.error ?? revoke.error ?? tokens.error)} />
      <table className="lines compact">
        <thead>
          <tr>
            <th>{l('Nombre', 'Name')}</th>
            <th>{l('Empieza con', 'Starts with')}</th>
            <th>{l('De', 'Of')}</th>
            <th>{l('Último uso', 'Last used')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(tokens.data ?? []).map((t) => (
            <tr key={t.id} className={t.revokedAt ? 'inactive' : ''}>
              <td>{t.name}</td>
              <td className="mono">{t.prefix}…</td>
              <td>{userName(t.userId)}</td>
              <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : l('Nunca', 'Never')}</td>
              <td>
                {t.revokedAt ? (
                  `${l('Revocado', 'Revoked')} ${formatDateTime(t.revokedAt)}`
                ) : (
                  <button
                    type="button"
                    className="link danger"
                    onClick={() => {
                      if (
                        window.confirm(
                          l(
                            `¿Revocar «${t.name}»? Lo que lo use dejará de funcionar.`,
                            `Revoke "${t.name}"? Whatever uses it stops working.`,
                          ),
                        )
                      )
                        revoke.mutate(t.id);
                    }}
                  >
                    {l('Revocar', 'Revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const l = useL();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['webhook-deliveries', webhook.id],
    queryFn: () => get<Page<Delivery>>(`/webhooks/${webhook.id}/deliveries?limit=50`).then((r) => r.items),
    refetchInterval: 5_000,
  });
  const retry = useMutation({
    mutationFn: (id: string) => post(`/webhooks/deliveries/${id}/retry`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['webhook-deliveries', webhook.id] }),
  });
  return (
    <div data-testid="webhook-deliveries">
      <h3>
        {l('Entregas a', 'Deliveries to')} <span className="mono">{webhook.url}</span>
      </h3>
      <ErrorBox error={list.error ?? retry.error} />
      {list.isLoading ? <Loading /> : null}
      <table className="lines compact">
        <thead>
          <tr>
            <th>{l('Evento', 'Event')}</th>
            <th>{l('Estado', 'Status')}</th>
            <th className="num">{l('Intentos', 'Attempts')}</th>
            <th>{l('Última respuesta', 'Last answer')}</th>
            <th>{l('Cuándo', 'When')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((d) => (
            <tr
              key={d.id}
              className={d.status === 'dead' ? 'row-error' : d.status === 'failed' ? 'row-warn' : ''}
            >
              <td className="mono">{d.eventType}</td>
              <td>{l(...STATUS_LABEL[d.status])}</td>
              <td className="num">{d.attempts}</td>
              <td className="small">
                {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : ''}
                {d.lastError ? ` ${d.lastError}` : ''}
              </td>
              <td>
                {d.deliveredAt
                  ? formatDateTime(d.deliveredAt)
                  : d.nextAttemptAt
                    ? `${l('Reintento', 'Retry')} ${formatDateTime(d.nextAttemptAt)}`
                    : formatDateTime(d.createdAt)}
              </td>
              <td>
                {d.status === 'failed' || d.status === 'dead' ? (
                  <button type="button" className="link" onClick={() => retry.mutate(d.id)}>
                    {l('Reintentar ahora', 'Retry now')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
          {list.data?.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                {l('Todavía no hay entregas.', 'No deliveries yet.')}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function Webhooks() {
  const l = useL();
  const qc = useQueryClient();
  const hooks = useQuery({
    queryKey: ['webhooks'],
    queryFn: () => get<Page<Webhook>>('/webhooks').then((r) => r.items),
  });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['sale.completed', 'stock.changed']);
  const [other, setOther] = useState('');
  const [description, setDescription] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      post<Webhook & { secret: string }>('/webhooks', {
        url: url.trim(),
        events: [
          ...events,
          ...other
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        ],
        description: description.trim() || undefined,
      }),
    onSuccess: (w) => {
      setUrl('');
      setOther('');
      setDescription('');
      setShown(w.secret);
      setOpen(w.id);
      void qc.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api('DELETE', `/webhooks/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const errors = fieldErrorsOf(create.error);
  const selected = (hooks.data ?? []).find((h) => h.id === open);
  return (
    <section className="card bo-section" data-testid="webhooks">
      <h2>{l('Webhooks', 'Webhooks')}</h2>
      <p className="small muted">
        {l(
          'Avisamos a tu sistema cada vez que pasa algo: un POST JSON firmado con HMAC-SHA256 (cabecera X-Mostrador-Signature: t=…,v1=… sobre «t.cuerpo»), reintentado con espera creciente si no contesta 2xx.',
          'We tell your system whenever something happens: a JSON POST signed with HMAC-SHA256 (X-Mostrador-Signature: t=…,v1=… over "t.body"), retried with backoff until it answers 2xx.',
        )}
      </p>
      {shown ? (
        <ShownOnce
          label={l('Secreto para verificar la firma:', 'Signing secret:')}
          value={shown}
          onClose={() => setShown(null)}
        />
      ) : null}
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <div className="bo-grid">
          <Field label={l('URL que recibe los avisos', 'URL that receives them')} error={errors.url} wide>
            <input
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://mi-sistema.example.mx/mostrador"
            />
          </Field>
          <Field label={l('Descripción', 'Description')} error={errors.description}>
            <input value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} />
          </Field>
        </div>
        <fieldset className="bo-access" aria-label={l('Eventos', 'Events')}>
          {COMMON_EVENTS.map(([type, label]) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                checked={events.includes(type)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, type] : events.filter((x) => x !== type))
                }
              />
              {l(...label)} <span className="mono small">{type}</span>
            </label>
          ))}
        </fieldset>
        <Field
          label={l(
            'Otros eventos (separados por comas; * = todos)',
            'Other events (comma-separated; * = all)',
          )}
          error={errors.events}
        >
          <input
            value={other}
            onChange={(e) => setOther(e.target.value)}
            placeholder="cash.*, stock.count_posted"
          />
        </Field>
        <button type="submit" className="button primary" disabled={create.isPending || !url.trim()}>
          {l('Agregar webhook', 'Add webhook')}
        </button>
      </form>
      <ErrorBox error={Object.keys(errors).length ? null : (create.error ?? remove.error ?? hooks.error)} />
      <table className="lines compact">
        <thead>
          <tr>
            <th>URL</th>
            <th>{l('Eventos', 'Events')}</th>
            <th>{l('Desde', 'Since')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(hooks.data ?? []).map((h) => (
            <tr key={h.id} className={h.id === open ? 'selected' : ''}>
              <td>
                <button type="button" className="link mono" onClick={() => setOpen(h.id)}>
                  {h.url}
                </button>
                {h.description ? <div className="small muted">{h.description}</div> : null}
              </td>
              <td className="mono small">{h.events.join(', ')}</td>
              <td>{formatDateTime(h.createdAt)}</td>
              <td>
                <button
                  type="button"
                  className="link danger"
                  onClick={() => {
                    if (
                      window.confirm(l(`¿Quitar el webhook a ${h.url}?`, `Remove the webhook to ${h.url}?`))
                    )
                      remove.mutate(h.id);
                  }}
                >
                  {l('Quitar', 'Remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected ? <Deliveries webhook={selected} /> : null}
    </section>
  );
}

/** Integraciones: API tokens and outgoing webhooks with their delivery log (owner only). */
export function IntegrationsPage() {
  const l = useL();
  return (
    <div>
      <PageHeader title={l('Integraciones', 'Integrations')} />
      <ApiTokens />
      <Webhooks />
    </div>
  );
}
