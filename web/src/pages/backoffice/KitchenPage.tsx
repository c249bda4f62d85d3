import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post, qs } from '../../lib/api';
import { formatQuantity, formatTime } from '../../lib/format';
import { CHANNEL_LABEL, pick, useL } from './lang';
import { useLiveRefresh } from './live';
import { ErrorBox, LocationSelect, Loading, PageHeader } from './ui';
import { useState } from 'react';

interface Ticket {
  id: string;
  number: number;
  channel: keyof typeof CHANNEL_LABEL;
  status: 'confirmed' | 'preparing';
  fulfilment: string;
  notes: string | null;
  lines: { description: string; quantity: string }[];
  statusChangedAt: string;
  createdAt: string;
}

const FULFILMENT: Record<string, [string, string]> = {
  pickup: ['Recoge en tienda', 'Pickup'],
  delivery: ['A domicilio', 'Delivery'],
  dine_in: ['Para comer aquí', 'Dine in'],
};

/**
 * Cocina y empaque: the confirmed orders to make and those being made, oldest first, as the
 * kitchen (or whoever packs) needs them: what and how, not who. "Empezar" and "Listo" move them;
 * a new confirmation shows up by itself.
 */
export function KitchenPage() {
  const l = useL();
  const qc = useQueryClient();
  const [locationId, setLocationId] = useState('');
  const list = useQuery({
    queryKey: ['kitchen', locationId],
    queryFn: () =>
      get<{ items: Ticket[] }>(`/orders/kitchen${qs({ locationId: locationId || undefined })}`).then(
        (r) => r.items,
      ),
    refetchInterval: 30_000,
  });
  useLiveRefresh({ 'order.status_changed': [['kitchen']], 'order.created': [['kitchen']] });
  const move = useMutation({
    mutationFn: ({ id, status }: { id: string; status: 'preparing' | 'ready' }) =>
      post(`/orders/${id}/status`, { status }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['kitchen'] }),
  });
  const column = (status: Ticket['status'], title: string) => {
    const tickets = (list.data ?? []).filter((t) => t.status === status);
    return (
      <section className="bo-column" data-testid={`kitchen-${status}`}>
        <h2>
          {title} <span className="badge">{tickets.length}</span>
        </h2>
        {tickets.map((t) => (
          <article key={t.id} className="card bo-order">
            <div className="bo-row">
              <strong>#{t.number}</strong>
              <span className={`badge ch-${t.channel}`}>{pick(l, CHANNEL_LABEL[t.channel], t.channel)}</span>
              <span className="small muted">{formatTime(t.createdAt)}</span>
            </div>
            <div className="small">{pick(l, FULFILMENT[t.fulfilment], t.fulfilment)}</div>
            <ul className="bo-kitchen-lines">
              {t.lines.map((x, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines have no id of their own here
                <li key={i}>
                  <strong>{formatQuantity(x.quantity)}</strong> × {x.description}
                </li>
              ))}
            </ul>
            {t.notes ? <p className="small">“{t.notes}”</p> : null}
            <button
              type="button"
              className="button small primary"
              disabled={move.isPending}
              onClick={() =>
                move.mutate({ id: t.id, status: status === 'confirmed' ? 'preparing' : 'ready' })
              }
            >
              {status === 'confirmed' ? l('Empezar', 'Start') : l('Listo', 'Ready')}
            </button>
          </article>
        ))}
      </section>
    );
  };
  return (
    <div>
      <PageHeader title={l('Cocina y empaque', 'Kitchen and packing')}>
        <LocationSelect value={locationId} onChange={setLocationId} />
      </PageHeader>
      <ErrorBox error={list.error ?? move.error} />
      {list.isLoading ? <Loading /> : null}
      <div className="bo-board bo-kitchen">
        {column('confirmed', l('Por preparar', 'To make'))}
        {column('preparing', l('Preparando', 'Being made'))}
      </div>
      {list.data?.length === 0 ? (
        <p className="muted">{l('Nada por preparar.', 'Nothing to make.')}</p>
      ) : null}
    </div>
  );
}
