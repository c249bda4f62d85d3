import { Modal } from '../../app/Modal';
import { formatDateTime, formatMoney } from '../../lib/format';
import { useT } from '../../lib/i18n';
import { useLiveQuery } from '../../lib/store';
import { dbFor, kindOf, type QueuedSale } from '../../offline/db';
import { REPORTABLE, retryConflict } from '../../offline/outbox';
import type { ReceiptSnapshot } from './ChargeDialog';

/**
 * Sales, returns, cash in/out and abonos made offline that the server would not take (stock
 * gone, session closed, pieces already returned…). They stay here, with the server's reason,
 * until the server holds them as conflicts for the manager (then they are listed as such, without
 * a retry: the manager settles them in the back office). A refused corte Z stays here only.
 */
export function ConflictsDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const t = useT();
  const rows = useLiveQuery(
    // A refused opening is shown on the opening screen instead; cash in/out refused is shown here.
    async () =>
      (
        await dbFor(tenantId).outbox.where('status').anyOf('conflict', 'rejected', 'reported').sortBy('id')
      ).filter((r) => kindOf(r) !== 'cash_session'),
    [tenantId],
    [] as QueuedSale[],
  );
  return (
    <Modal title={t('conflicts.title')} onClose={onClose} wide>
      <p className="muted">{t('conflicts.help')}</p>
      {rows.length === 0 && <p>{t('conflicts.none')}</p>}
      <table className="lines compact" data-testid="conflicts">
        <tbody>
          {rows.map((r) => {
            const s = r.receipt as unknown as ReceiptSnapshot;
            const sale = kindOf(r) === 'sale';
            const reportable = REPORTABLE.includes(kindOf(r));
            return (
              <tr key={r.id}>
                <td>
                  <div>
                    <strong>{formatDateTime(r.createdAt)}</strong> ·{' '}
                    {sale
                      ? `${formatMoney(s.total)} · ${s.lines.map((l) => l.description).join(', ')}`
                      : String(r.receipt.description ?? '')}
                  </div>
                  <div className="error">{r.lastError?.message ?? r.status}</div>
                  <div className="muted small" data-testid="conflict-state">
                    {!reportable
                      ? t('conflicts.movementRefused')
                      : r.status === 'reported'
                        ? t('conflicts.reported')
                        : r.reportError
                          ? t('conflicts.reportFailed', { message: r.reportError.message })
                          : t('conflicts.reporting')}
                  </div>
                  <div className="muted small">{r.id}</div>
                </td>
                <td>
                  {r.status !== 'reported' && (
                    <button type="button" onClick={() => void retryConflict(tenantId, r.id)}>
                      {t('conflicts.retry')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Modal>
  );
}
