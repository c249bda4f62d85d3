import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { isManager, useAuth } from '../../app/auth';
import { ApiError, get, post, qs } from '../../lib/api';
import type { Location, Register } from '../../lib/endpoints';
import { useT } from '../../lib/i18n';
import { TerminalFrame } from './TerminalFrame';
import { fetchBusiness, fetchOpenSession } from './setup';
import { saveTerminal } from './terminal-state';

/** First run on this browser: which store and which register is this counter. */
export function RegisterPicker({ tenantId }: { tenantId: string }) {
  const t = useT();
  const { user } = useAuth();
  const [locationId, setLocationId] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ items: Location[] }>('/locations'),
  });
  const stores = (locations.data?.items ?? []).filter((l) => l.kind === 'store' && l.active);
  const chosen = locationId ?? (stores.length === 1 ? stores[0]!.id : null);
  const registers = useQuery({
    queryKey: ['registers', chosen],
    enabled: !!chosen,
    queryFn: () => get<{ items: Register[] }>(`/registers${qs({ locationId: chosen })}`),
  });

  // The first register gets the focus: Enter picks it.
  useEffect(() => {
    if (registers.data) document.querySelector<HTMLButtonElement>('.register-button[data-first]')?.focus();
  }, [registers.data]);

  async function pick(register: Register) {
    setError(null);
    try {
      const location = stores.find((s) => s.id === register.locationId)!;
      const [business, session] = await Promise.all([fetchBusiness(), fetchOpenSession(register.id)]);
      saveTerminal(tenantId, { location, register, session, business });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!chosen || !newName.trim()) return;
    try {
      const reg = await post<Register>('/registers', { locationId: chosen, name: newName.trim() });
      await registers.refetch();
      await pick(reg);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  return (
    <TerminalFrame>
      <div className="setup card">
        <h1>{t('setup.title')}</h1>
        <p className="muted">{t('setup.help')}</p>
        {locations.isLoading && <p>{t('common.loading')}</p>}
        {stores.length > 1 && (
          <label>
            {t('setup.store')}
            <select value={chosen ?? ''} onChange={(e) => setLocationId(e.target.value || null)}>
              <option value="">{t('setup.chooseStore')}</option>
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {chosen && (
          <ul className="register-list">
            {(registers.data?.items ?? [])
              .filter((r) => r.active)
              .map((r, i) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className="register-button"
                    data-first={i === 0 ? true : undefined}
                    onClick={() => void pick(r)}
                  >
                    <strong>{r.name}</strong>
                    <span className="muted">
                      {r.openCashSessionId ? t('setup.registerOpen') : t('setup.registerClosed')}
                    </span>
                  </button>
                </li>
              ))}
          </ul>
        )}
        {chosen && registers.data && registers.data.items.length === 0 && <p>{t('setup.noRegisters')}</p>}
        {chosen && isManager(user) && (
          <form className="row" onSubmit={create}>
            <input
              placeholder={t('setup.newRegisterName')}
              value={newName}
              onChange={(e) => setNewName(e.target.value)}
              aria-label={t('setup.newRegisterName')}
            />
            <button type="submit">{t('setup.createRegister')}</button>
          </form>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    </TerminalFrame>
  );
}
