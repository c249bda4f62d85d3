import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, get, usePostOnce, qs } from '../../lib/api';
import type { SellableSku } from '../../lib/catalog-types';
import { businessToday, formatQuantity } from '../../lib/format';
import { useL } from './lang';
import { refreshStock } from './levels';
import { ErrorBox, Field, LocationSelect, PageHeader, SearchPicker } from './ui';

type CatalogSku = SellableSku & { cost: string | null };

/** Any product of the catalog, found by typing part of its name, SKU or barcode (server search). */
export function CatalogPicker({
  value,
  onChange,
  error,
}: {
  value: CatalogSku | null;
  onChange: (sku: CatalogSku | null) => void;
  error?: string;
}) {
  const l = useL();
  return (
    <SearchPicker<CatalogSku>
      label={l('Producto', 'Product')}
      searchLabel={l('Buscar producto', 'Find product')}
      placeholder={l('Nombre, SKU o código…', 'Name, SKU or barcode…')}
      queryKey={['catalog-picker']}
      search={(q) =>
        q
          ? get<{ items: CatalogSku[] }>(`/catalog/search${qs({ q, limit: 20 })}`).then((r) => r.items)
          : Promise.resolve([])
      }
      value={value}
      onChange={onChange}
      idOf={(x) => x.id}
      labelOf={(x) => `${x.productName}${x.variantName ? ` ${x.variantName}` : ''} (${x.sku})`}
      error={error}
    />
  );
}

/**
 * What both forms do with the server's answer: on success a note of what was recorded and every
 * stock figure on screen read again; on refusal each field's message next to it.
 */
function useStockChange<T>(send: () => Promise<T>, recorded: (r: T) => string, reset: () => void) {
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: (r) => {
      setDone(recorded(r));
      reset();
      setErrors({});
      refreshStock(qc);
    },
    onError: (err) => {
      setDone(null);
      setErrors(err instanceof ApiError ? err.fieldErrors() : {});
    },
  });
  return { mutation, errors, done };
}

interface ReceiptLine {
  uid: number;
  sku: CatalogSku | null;
  quantity: string;
  unitCost: string;
  lotCode: string;
  expiresOn: string;
}
let uidSeq = 0;
const newLine = (): ReceiptLine => ({
  uid: ++uidSeq,
  sku: null,
  quantity: '',
  unitCost: '',
  lotCode: '',
  expiresOn: '',
});

/** Merchandise received from a supplier: quantities, unit costs, and lots with expiry when tracked. */
function ReceiptForm() {
  const l = useL();
  const [locationId, setLocationId] = useState('');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<ReceiptLine[]>([newLine()]);
  const set = (i: number, patch: Partial<ReceiptLine>) =>
    setLines(lines.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const postOnce = usePostOnce();
  const {
    mutation: receive,
    errors,
    done,
  } = useStockChange(
    () =>
      postOnce<{ movements: unknown[] }>('/inventory/receipts', {
        locationId,
        note: note.trim() || undefined,
        lines: lines
          .filter((x) => x.sku)
          .map((x) => ({
            skuId: x.sku!.id,
            quantity: x.quantity.trim(),
            unitCost: x.unitCost.trim() || undefined,
            lotCode: x.sku!.trackLots ? x.lotCode.trim() || undefined : undefined,
            expiresOn: x.sku!.trackLots ? x.expiresOn || undefined : undefined,
          })),
      }),
    (r) =>
      r.movements.length === 1
        ? l('Entrada registrada: 1 línea.', 'Receipt recorded: 1 line.')
        : l(
            `Entrada registrada: ${r.movements.length} líneas.`,
            `Receipt recorded: ${r.movements.length} lines.`,
          ),
    () => {
      setLines([newLine()]);
      setNote('');
    },
  );
  return (
    <section className="card bo-section" data-testid="receipt-form">
      <h2>{l('Recibir mercancía', 'Receive merchandise')}</h2>
      <div className="bo-filters">
        <LocationSelect
          value={locationId}
          onChange={setLocationId}
          allowAll={false}
          label={l('Llega a', 'Arrives at')}
        />
        <Field label={l('Proveedor o factura', 'Supplier or invoice')} error={errors.note}>
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      {lines.map((line, i) => (
        <div className="bo-row bo-receipt-line" key={line.uid}>
          <CatalogPicker
            value={line.sku}
            error={errors[`lines.${i}.skuId`]}
            onChange={(sku) => set(i, { sku, unitCost: sku?.cost ? sku.cost : '' })}
          />
          <Field label={l('Cantidad', 'Quantity')} error={errors[`lines.${i}.quantity`]}>
            <input
              inputMode="decimal"
              value={line.quantity}
              onChange={(e) => set(i, { quantity: e.target.value })}
            />
          </Field>
          <Field label={l('Costo unitario', 'Unit cost')} error={errors[`lines.${i}.unitCost`]}>
            <input
              inputMode="decimal"
              value={line.unitCost}
              onChange={(e) => set(i, { unitCost: e.target.value })}
            />
          </Field>
          {line.sku?.trackLots ? (
            <>
              <Field label={l('Lote', 'Lot')} error={errors[`lines.${i}.lotCode`]}>
                <input value={line.lotCode} onChange={(e) => set(i, { lotCode: e.target.value })} />
              </Field>
              <Field label={l('Caduca', 'Expires')} error={errors[`lines.${i}.expiresOn`]}>
                <input
                  type="date"
                  min={businessToday()}
                  value={line.expiresOn}
                  onChange={(e) => set(i, { expiresOn: e.target.value })}
                />
              </Field>
            </>
          ) : null}
        </div>
      ))}
      <div className="bo-row">
        <button type="button" className="button small" onClick={() => setLines([...lines, newLine()])}>
          {l('Otra línea', 'Add line')}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={!locationId || !lines.some((x) => x.sku) || receive.isPending}
          onClick={() => receive.mutate()}
        >
          {l('Registrar entrada', 'Record receipt')}
        </button>
      </div>
      <ErrorBox error={Object.keys(errors).length ? null : receive.error} />
      {done ? (
        <p className="ok" role="status">
          {done}
        </p>
      ) : null}
    </section>
  );
}

/** Stock that left without a sale (expired, damaged) or a correction, always with its reason. */
function AdjustmentForm() {
  const l = useL();
  const [locationId, setLocationId] = useState('');
  const [sku, setSku] = useState<CatalogSku | null>(null);
  const [kind, setKind] = useState<'write_off' | 'adjustment'>('write_off');
  const [quantity, setQuantity] = useState('');
  const [note, setNote] = useState('');
  const postOnce = usePostOnce();
  const {
    mutation: adjust,
    errors,
    done,
  } = useStockChange(
    () =>
      postOnce<{ delta: string; level: { onHand: string } | null }>('/inventory/adjustments', {
        locationId,
        skuId: sku?.id,
        reason: kind,
        // a write-off always takes away; an adjustment is signed as typed
        quantity: kind === 'write_off' ? `-${quantity.trim().replace(/^-/, '')}` : quantity.trim(),
        note: note.trim(),
      }),
    (r) => {
      const left = r.level ? formatQuantity(r.level.onHand) : '0';
      return l(
        `Listo: ${formatQuantity(r.delta)}; quedan ${left}.`,
        `Done: ${formatQuantity(r.delta)}; ${left} left.`,
      );
    },
    () => {
      setQuantity('');
      setNote('');
    },
  );
  return (
    <section className="card bo-section" data-testid="adjustment-form">
      <h2>{l('Merma o ajuste', 'Write-off or adjustment')}</h2>
      <div className="bo-row bo-receipt-line">
        <LocationSelect value={locationId} onChange={setLocationId} allowAll={false} />
        <CatalogPicker value={sku} onChange={setSku} error={errors.skuId} />
        <Field label={l('Tipo', 'Kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'write_off' | 'adjustment')}>
            <option value="write_off">
              {l('Merma (caducado, dañado, robo)', 'Write-off (expired, damaged, theft)')}
            </option>
            <option value="adjustment">{l('Ajuste (+ o −)', 'Adjustment (+ or −)')}</option>
          </select>
        </Field>
        <Field label={l('Cantidad', 'Quantity')} error={errors.quantity}>
          <input inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </Field>
        <Field label={l('Motivo', 'Reason')} error={errors.note}>
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      <button
        type="button"
        className="button primary"
        disabled={!locationId || !sku || adjust.isPending}
        onClick={() => adjust.mutate()}
      >
        {l('Registrar', 'Record')}
      </button>
      <ErrorBox error={Object.keys(errors).length ? null : adjust.error} />
      {done ? (
        <p className="ok" role="status">
          {done}
        </p>
      ) : null}
    </section>
  );
}

/** Stock that comes in (receipts from suppliers) and that leaves without a sale (write-offs). */
export function ReceiptsPage() {
  const l = useL();
  return (
    <div>
      <PageHeader title={l('Entradas y mermas', 'Receipts and write-offs')} />
      <ReceiptForm />
      <AdjustmentForm />
    </div>
  );
}
