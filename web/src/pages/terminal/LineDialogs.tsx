import { D } from '@server/shared/money.js';
import { type FormEvent, useState } from 'react';
import { Modal } from '../../app/Modal';
import type { SellableSku } from '../../lib/catalog-types';
import { counterPrice, skuLabel } from '../../lib/catalog-types';
import { formatMoney, parseMoneyInput, parseQuantityInput } from '../../lib/format';
import { useT } from '../../lib/i18n';
import type { TicketLine } from './ticket';

/** F4: pieces (whole numbers) or kilos with three decimals for goods sold by weight. */
export function QuantityDialog({
  line,
  weighing,
  onClose,
  onSave,
}: {
  line?: TicketLine;
  weighing?: SellableSku;
  onClose: () => void;
  onSave: (quantity: string) => void;
}) {
  const t = useT();
  const byWeight = weighing ? true : !!line?.soldByWeight;
  const name = weighing ? skuLabel(weighing) : (line?.description ?? '');
  const price = weighing ? counterPrice(weighing) : (line?.unitPrice ?? '0');
  const [value, setValue] = useState(
    line ? (byWeight ? line.quantity : new D(line.quantity).toFixed(0)) : '',
  );
  const [error, setError] = useState<string | null>(null);
  const parsed = parseQuantityInput(value);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!parsed) return setError(byWeight ? t('qty.badWeight') : t('qty.bad'));
    if (!byWeight && !new D(parsed).isInteger()) return setError(t('qty.wholeOnly'));
    onSave(parsed);
  }

  return (
    <Modal title={byWeight ? t('qty.weightTitle') : t('qty.title')} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <p>
          <strong>{name}</strong> · {formatMoney(price)}
          {byWeight ? ' /kg' : ''}
        </p>
        <label>
          {byWeight ? t('qty.kg') : t('qty.pieces')}
          <input
            name="quantity"
            inputMode="decimal"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-autofocus
          />
        </label>
        {parsed && (
          <p className="big-amount">
            {formatMoney(new D(parsed).times(price).toDecimalPlaces(2, D.ROUND_HALF_UP))}
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row end">
          <button type="button" onClick={onClose}>
            {t('common.cancel')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="primary">
            {t('common.ok')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** F6: a discount on the selected line, Shift+F6 on the whole ticket; an amount or a percentage. */
export function DiscountDialog({
  target,
  line,
  lineTotal,
  current,
  onClose,
  onSave,
  onSwitch,
}: {
  target: 'line' | 'ticket';
  line?: TicketLine;
  lineTotal: string;
  current: string;
  onClose: () => void;
  onSave: (discount: string) => void;
  onSwitch: (target: 'line' | 'ticket') => void;
}) {
  const t = useT();
  const [value, setValue] = useState(new D(current).isZero() ? '' : current);
  const [percent, setPercent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = new D(lineTotal);
  let amount: string | null = null;
  if (value.trim() === '') amount = '0.00';
  else if (percent) {
    const p = parseMoneyInput(value);
    if (p && new D(p).lte(100))
      amount = base.times(p).div(100).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
  } else amount = parseMoneyInput(value);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (amount === null) return setError(t('discount.bad'));
    if (new D(amount).gt(base)) return setError(t('discount.tooBig', { max: formatMoney(base) }));
    onSave(amount);
  }

  return (
    <Modal title={target === 'line' ? t('discount.lineTitle') : t('discount.ticketTitle')} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <p>
          {target === 'line' ? <strong>{line?.description}</strong> : t('discount.onTicket')} ·{' '}
          {formatMoney(base)}
        </p>
        <div className="row">
          <label className="grow">
            {percent ? t('discount.percent') : t('discount.amount')}
            <input
              name="discount"
              inputMode="decimal"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              data-autofocus
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={percent} onChange={(e) => setPercent(e.target.checked)} /> %
          </label>
        </div>
        {amount !== null && <p className="big-amount">-{formatMoney(amount)}</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row end">
          {target === 'line' ? (
            <button type="button" className="link" onClick={() => onSwitch('ticket')}>
              {t('discount.switchTicket')}
            </button>
          ) : (
            line && (
              <button type="button" className="link" onClick={() => onSwitch('line')}>
                {t('discount.switchLine')}
              </button>
            )
          )}
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary">
            {t('common.ok')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** F7: a note for the ticket (printed on the receipt). */
export function NoteDialog({
  note,
  onClose,
  onSave,
}: {
  note: string;
  onClose: () => void;
  onSave: (n: string) => void;
}) {
  const t = useT();
  const [value, setValue] = useState(note);
  return (
    <Modal title={t('note.title')} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          onSave(value.trim().slice(0, 500));
        }}
      >
        <input
          name="note"
          maxLength={500}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-autofocus
        />
        <div className="row end">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary">
            {t('common.ok')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
