import { type FormEvent, useState } from 'react';
import { Modal } from '../../app/Modal';
import { ApiError, get, NetworkError, post, qs } from '../../lib/api';
import type { Customer } from '../../lib/endpoints';
import { useT } from '../../lib/i18n';
import type { TicketCustomer } from './ticket';

/** F3: find the customer by phone (any Mexican form) or name; register a new one in two fields. */
export function CustomerDialog({
  onClose,
  onPick,
}: {
  onClose: () => void;
  onPick: (c: TicketCustomer) => void;
}) {
  const t = useT();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Customer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState<{ phone: string; name: string } | null>(null);
  const [hi, setHi] = useState(0);

  const pick = (c: Customer) => onPick({ id: c.id, name: c.name, phone: c.phone });

  async function search(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const text = q.trim();
    if (!text) return;
    const hit = found?.[hi];
    if (hit) return pick(hit);
    const digits = text.replace(/[^\d]/g, '');
    try {
      if (digits.length >= 10 && /^[\d\s+()-]+$/.test(text)) {
        try {
          const c = await get<Customer>(`/customers/lookup${qs({ phone: text })}`);
          return pick(c);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'CUSTOMER_NOT_FOUND') {
            setCreating({ phone: text, name: '' });
            return;
          }
          throw err;
        }
      }
      const r = await get<{ items: Customer[] }>(`/customers${qs({ q: text, limit: 10 })}`);
      setFound(r.items);
      setHi(0);
      if (r.items.length === 0) setError(t('customer.none'));
    } catch (err) {
      setError(
        err instanceof NetworkError
          ? t('customer.offline')
          : err instanceof Error
            ? err.message
            : String(err),
      );
    }
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!creating) return;
    try {
      const c = await post<Customer>('/customers', {
        name: creating.name.trim() || undefined,
        phone: creating.phone,
      });
      pick(c);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <Modal title={t('customer.title')} onClose={onClose}>
      {creating ? (
        <form className="stack" onSubmit={create}>
          <p>{t('customer.notFoundCreate', { phone: creating.phone })}</p>
          <label>
            {t('customer.name')}
            <input
              name="customerName"
              value={creating.name}
              onChange={(e) => setCreating({ ...creating, name: e.target.value })}
              data-autofocus
            />
          </label>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row end">
            <button type="button" onClick={() => setCreating(null)}>
              {t('common.back')}
            </button>
            <button type="submit" className="primary">
              {t('customer.create')}
            </button>
          </div>
        </form>
      ) : (
        <form className="stack" onSubmit={search}>
          <label>
            {t('customer.search')}
            <input
              name="customerQuery"
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                setFound(null);
              }}
              onKeyDown={(e) => {
                if (!found?.length) return;
                if (e.key === 'ArrowDown') setHi((h) => Math.min(h + 1, found.length - 1));
                if (e.key === 'ArrowUp') setHi((h) => Math.max(h - 1, 0));
              }}
              placeholder="55 1234 5678"
              data-autofocus
            />
          </label>
          {found && found.length > 0 && (
            <ul className="pick-list">
              {found.map((c, i) => (
                <li key={c.id} className={i === hi ? 'active' : ''}>
                  <button type="button" className="plain" onClick={() => pick(c)}>
                    <strong>{c.name}</strong> <span className="muted">{c.phone ?? c.email ?? ''}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row end">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary">
              {t('customer.find')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
