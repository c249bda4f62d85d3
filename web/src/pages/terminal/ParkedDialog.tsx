import { useEffect, useState } from 'react';
import { Modal } from '../../app/Modal';
import { get, NetworkError, post, qs, serverNow } from '../../lib/api';
import type { ParkedTicket } from '../../lib/endpoints';
import { formatMoney, formatTime } from '../../lib/format';
import { useT } from '../../lib/i18n';
import { counterPrice } from '../../lib/catalog-types';
import { dbFor } from '../../offline/db';
import { computeTicket, type Ticket } from './ticket';
import type { TerminalConfig } from './terminal-state';

const LOCAL_KEY = 'parkedLocal';

interface LocalParked {
  id: string;
  label: string;
  cart: Ticket;
  createdAt: string;
}

/**
 * A resumed ticket is charged at today's prices: each line takes the price, taxes and catalog
 * version this till now has for its SKU (a line whose SKU it no longer has stays as parked).
 */
export async function repriced(tenantId: string, ticket: Ticket): Promise<Ticket> {
  const skus = await dbFor(tenantId).skus.bulkGet(ticket.lines.map((l) => l.skuId));
  return {
    ...ticket,
    lines: ticket.lines.map((l, i) => {
      const sku = skus[i];
      if (!sku || sku.version === l.skuVersion) return l;
      return {
        ...l,
        skuVersion: sku.version,
        unitPrice: counterPrice(sku),
        priceIncludesTax: sku.priceIncludesTax,
        iva: sku.iva,
        ieps: sku.ieps,
      };
    }),
  };
}

function labelOf(ticket: Ticket): string {
  const first = ticket.lines[0]?.description ?? '';
  const name = ticket.customer?.name;
  return (name ? `${name} · ` : '') + first + (ticket.lines.length > 1 ? ` +${ticket.lines.length - 1}` : '');
}

/**
 * F8 with a ticket: parks it on the server (any register of the store can resume it); offline
 * it is parked in this browser.
 */
export async function parkTicket(tenantId: string, cfg: TerminalConfig, ticket: Ticket): Promise<void> {
  const label = labelOf(ticket).slice(0, 100);
  try {
    await post('/parked-tickets', {
      locationId: cfg.location.id,
      registerId: cfg.register.id,
      label,
      cart: ticket as unknown as Record<string, unknown>,
    });
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    const db = dbFor(tenantId);
    const list = ((await db.kv.get(LOCAL_KEY))?.value as LocalParked[] | undefined) ?? [];
    list.push({ id: `local-${Date.now()}`, label, cart: ticket, createdAt: serverNow().toISOString() });
    await db.kv.put({ key: LOCAL_KEY, value: list });
  }
}

/** F8 with an empty ticket: the parked tickets of this store; Enter resumes the highlighted one. */
export function ParkedDialog({
  tenantId,
  cfg,
  onClose,
  onResume,
}: {
  tenantId: string;
  cfg: TerminalConfig;
  onClose: () => void;
  onResume: (t: Ticket) => void;
}) {
  const t = useT();
  const [items, setItems] = useState<
    { id: string; label: string; cart: Ticket; createdAt: string; local: boolean }[] | null
  >(null);
  const [error, setError] = useState<string | null>(null);
  const [hi, setHi] = useState(0);

  useEffect(() => {
    (async () => {
      const db = dbFor(tenantId);
      const local = (((await db.kv.get(LOCAL_KEY))?.value as LocalParked[] | undefined) ?? []).map((p) => ({
        ...p,
        local: true,
      }));
      let remote: { id: string; label: string; cart: Ticket; createdAt: string; local: boolean }[] = [];
      try {
        const r = await get<{ items: ParkedTicket[] }>(
          `/parked-tickets${qs({ locationId: cfg.location.id })}`,
        );
        remote = r.items.map((p) => ({
          id: p.id,
          label: p.label ?? '',
          cart: p.cart as unknown as Ticket,
          createdAt: p.createdAt,
          local: false,
        }));
      } catch (err) {
        if (!(err instanceof NetworkError)) setError(err instanceof Error ? err.message : String(err));
      }
      setItems([...local, ...remote]);
    })();
  }, [tenantId, cfg.location.id]);

  async function resume(i: number) {
    const p = items?.[i];
    if (!p) return;
    try {
      if (p.local) {
        const db = dbFor(tenantId);
        const list = ((await db.kv.get(LOCAL_KEY))?.value as LocalParked[] | undefined) ?? [];
        await db.kv.put({ key: LOCAL_KEY, value: list.filter((x) => x.id !== p.id) });
        onResume(await repriced(tenantId, p.cart));
      } else {
        const r = await post<ParkedTicket>(`/parked-tickets/${p.id}/resume`);
        onResume(await repriced(tenantId, r.cart as unknown as Ticket));
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <Modal title={t('parked.title')} onClose={onClose}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move through the list */}
      <div
        className="stack"
        onKeyDown={(e) => {
          if (!items?.length) return;
          if (e.key === 'ArrowDown') setHi((h) => Math.min(h + 1, items.length - 1));
          else if (e.key === 'ArrowUp') setHi((h) => Math.max(h - 1, 0));
        }}
      >
        {items === null && <p>{t('common.loading')}</p>}
        {items?.length === 0 && <p className="muted">{t('parked.none')}</p>}
        <ul className="pick-list">
          {items?.map((p, i) => (
            <li key={p.id} className={i === hi ? 'active' : ''}>
              <button
                type="button"
                className="plain"
                data-autofocus={i === 0 ? true : undefined}
                onClick={() => void resume(i)}
                onFocus={() => setHi(i)}
              >
                <span>{formatTime(p.createdAt)}</span> <strong>{p.label}</strong>{' '}
                <span className="muted">{formatMoney(computeTicket(p.cart).total)}</span>
                {p.local && <span className="badge warn">{t('parked.local')}</span>}
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Modal>
  );
}
