import { D } from '@server/shared/money.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type ApiError, usePostOnce } from '../../lib/api';
import type { SellableSku } from '../../lib/catalog-types';
import { formatDateTime, formatMoney, parseMoneyInput, parseQuantityInput } from '../../lib/format';
import { useL } from './lang';
import { CatalogPicker } from './ReceiptsPage';
import { ErrorBox, Field, fieldErrorsOf, LocationSelect, useLocations } from './ui';

type Sku = SellableSku & { cost: string | null };

const HOLDS: [number, [string, string]][] = [
  [30, ['30 minutos', '30 minutes']],
  [120, ['2 horas', '2 hours']],
  [1440, ['Hasta mañana (24 h)', 'Until tomorrow (24 h)']],
  [4320, ['3 días', '3 days']],
];

/** Which field an order error speaks about. */
function fieldOfCode(e: ApiError): string | null {
  if (e.code.startsWith('CUSTOMER_PHONE') || e.code === 'CUSTOMER_CONTACT_REQUIRED') return 'phone';
  if (e.code === 'ORDER_DELIVERY_ADDRESS_REQUIRED') return 'deliveryAddress';
  return null;
}

/**
 * An order taken by hand (a WhatsApp chat, a phone call): who, what, pickup or delivery, and how
 * long its stock stays held. The server prices it from the catalog for the channel, or at the price
 * agreed in the chat for a line that says one, and holds the stock; a product short of stock is
 * refused with what is available.
 */
export function OrderForm({ onDone }: { onDone: (message: string) => void }) {
  const l = useL();
  const qc = useQueryClient();
  const locations = useLocations();
  const firstStore = (locations.data ?? []).find((x) => x.kind === 'store')?.id ?? '';
  const [channel, setChannel] = useState<'whatsapp' | 'counter'>('whatsapp');
  const [locationId, setLocationId] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [fulfilment, setFulfilment] = useState<'pickup' | 'delivery'>('pickup');
  const [address, setAddress] = useState('');
  const [notes, setNotes] = useState('');
  const [hold, setHold] = useState(120);
  const [picked, setPicked] = useState<Sku | null>(null);
  const [qty, setQty] = useState('1');
  const [agreed, setAgreed] = useState('');
  const [lineError, setLineError] = useState<string | null>(null);
  const [lines, setLines] = useState<{ sku: Sku; quantity: string; unitPrice?: string }[]>([]);
  const where = locationId || firstStore;

  const postOnce = usePostOnce();
  const create = useMutation({
    mutationFn: () =>
      postOnce<{ number: number; total: string; holdUntil: string | null }>('/orders', {
        channel,
        locationId: where,
        customer: { phone: phone.trim() || undefined, name: name.trim() || undefined },
        fulfilment,
        deliveryAddress: fulfilment === 'delivery' ? address.trim() || undefined : undefined,
        notes: notes.trim() || undefined,
        holdMinutes: hold,
        lines: lines.map((x) => ({
          skuId: x.sku.id,
          quantity: x.quantity,
          ...(x.unitPrice ? { unitPrice: x.unitPrice } : {}),
        })),
      }),
    onSuccess: (o) => {
      void qc.invalidateQueries({ queryKey: ['orders-board'] });
      void qc.invalidateQueries({ queryKey: ['home'] });
      onDone(
        l(
          `Pedido #${o.number} por ${formatMoney(o.total)}: la mercancía queda apartada${o.holdUntil ? ` hasta ${formatDateTime(o.holdUntil)}` : ''}.`,
          `Order #${o.number} for ${formatMoney(o.total)}: its stock is held${o.holdUntil ? ` until ${formatDateTime(o.holdUntil)}` : ''}.`,
        ),
      );
    },
  });
  const errors = fieldErrorsOf(create.error, fieldOfCode);
  const priceOf = (x: { sku: Sku; unitPrice?: string }) => x.unitPrice ?? x.sku.price;
  const estimate = lines.reduce((sum, x) => sum.plus(new D(priceOf(x)).times(x.quantity || '0')), new D(0));

  const addLine = () => {
    setLineError(null);
    if (!picked) return;
    const parsed = parseQuantityInput(qty);
    const quantity = parsed === null ? null : new D(parsed).toString();
    if (!quantity || new D(quantity).lte(0))
      return setLineError(l('Escribe una cantidad mayor que cero.', 'Type a quantity above zero.'));
    let unitPrice: string | undefined;
    if (agreed.trim() !== '') {
      const p = parseMoneyInput(agreed);
      if (p === null)
        return setLineError(
          l(
            'El precio acordado es un importe como 150 o 149.50.',
            'The agreed price is an amount like 150 or 149.50.',
          ),
        );
      unitPrice = p;
    }
    setLines((ls) => {
      const same = ls.find((x) => x.sku.id === picked.id && x.unitPrice === unitPrice);
      return same
        ? ls.map((x) => (x === same ? { ...x, quantity: new D(x.quantity).plus(quantity).toString() } : x))
        : [...ls, { sku: picked, quantity, unitPrice }];
    });
    setPicked(null);
    setQty('1');
    setAgreed('');
  };

  return (
    <form
      className="card bo-section"
      aria-label={l('Nuevo pedido', 'New order')}
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2>{l('Nuevo pedido', 'New order')}</h2>
      <div className="bo-grid">
        <Field label={l('Llegó por', 'Came by')}>
          <select value={channel} onChange={(e) => setChannel(e.target.value as 'whatsapp' | 'counter')}>
            <option value="whatsapp">WhatsApp</option>
            <option value="counter">{l('Teléfono o en persona', 'Phone or in person')}</option>
          </select>
        </Field>
        <LocationSelect
          value={where}
          onChange={setLocationId}
          allowAll={false}
          label={l('Sucursal', 'Location')}
        />
        <Field
          label={l('Teléfono del cliente', 'Customer phone')}
          error={errors.phone ?? errors['customer.phone']}
        >
          <input value={phone} inputMode="tel" maxLength={40} onChange={(e) => setPhone(e.target.value)} />
        </Field>
        <Field label={l('Nombre', 'Name')}>
          <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </Field>
      </div>
      <h3>{l('Productos', 'Products')}</h3>
      <div className="bo-grid">
        <CatalogPicker value={picked} onChange={setPicked} />
        <Field label={l('Cantidad', 'Quantity')} error={lineError ?? undefined}>
          <input value={qty} inputMode="decimal" onChange={(e) => setQty(e.target.value)} />
        </Field>
        <Field label={l('Precio acordado (opcional)', 'Agreed price (optional)')}>
          <input
            value={agreed}
            inputMode="decimal"
            placeholder={picked ? new D(picked.price).toFixed(2) : ''}
            onChange={(e) => setAgreed(e.target.value)}
          />
        </Field>
        <div className="bo-field">
          <span>&nbsp;</span>
          <button type="button" className="button" disabled={!picked} onClick={addLine}>
            {l('Agregar al pedido', 'Add to order')}
          </button>
        </div>
      </div>
      {lines.length ? (
        <table className="lines compact" data-testid="order-lines">
          <tbody>
            {lines.map((x) => (
              <tr key={`${x.sku.id}:${x.unitPrice ?? ''}`}>
                <td>
                  {x.sku.productName}
                  {x.sku.variantName ? ` ${x.sku.variantName}` : ''}
                  {x.unitPrice && !new D(x.unitPrice).eq(x.sku.price) ? (
                    <span className="muted small">
                      {' '}
                      {l(
                        `precio acordado ${formatMoney(x.unitPrice)} (lista ${formatMoney(x.sku.price)})`,
                        `agreed price ${formatMoney(x.unitPrice)} (list ${formatMoney(x.sku.price)})`,
                      )}
                    </span>
                  ) : null}
                </td>
                <td className="num">{x.quantity}</td>
                <td className="num">{formatMoney(new D(priceOf(x)).times(x.quantity))}</td>
                <td>
                  <button
                    type="button"
                    className="link danger"
                    onClick={() => setLines((ls) => ls.filter((y) => y !== x))}
                  >
                    {l('Quitar', 'Remove')}
                  </button>
                </td>
              </tr>
            ))}
            <tr>
              <td>{l('Total aproximado', 'Approximate total')}</td>
              <td />
              <td className="num">
                <strong>{formatMoney(estimate)}</strong>
              </td>
              <td />
            </tr>
          </tbody>
        </table>
      ) : (
        <p className="muted small">{l('Busca y agrega los productos.', 'Find and add the products.')}</p>
      )}
      <div className="bo-grid">
        <Field label={l('Entrega', 'Fulfilment')}>
          <select value={fulfilment} onChange={(e) => setFulfilment(e.target.value as 'pickup' | 'delivery')}>
            <option value="pickup">{l('Recoge en tienda', 'Pickup in store')}</option>
            <option value="delivery">{l('A domicilio', 'Delivery')}</option>
          </select>
        </Field>
        {fulfilment === 'delivery' ? (
          <Field label={l('Dirección de entrega', 'Delivery address')} error={errors.deliveryAddress} wide>
            <input value={address} maxLength={1000} onChange={(e) => setAddress(e.target.value)} />
          </Field>
        ) : null}
        <Field label={l('Apartar la mercancía', 'Hold the stock')}>
          <select value={hold} onChange={(e) => setHold(Number(e.target.value))}>
            {HOLDS.map(([m, label]) => (
              <option key={m} value={m}>
                {l(...label)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l('Notas', 'Notes')} wide>
          <input value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />
        </Field>
      </div>
      {Object.keys(errors).length ? null : <ErrorBox error={create.error} />}
      <button
        type="submit"
        className="button primary"
        disabled={create.isPending || lines.length === 0 || !where}
      >
        {l('Crear pedido y apartar', 'Create order and hold stock')}
      </button>
    </form>
  );
}
