import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, get } from '../../lib/api';
import { useL } from './lang';
import { IVA_LABEL, useCategories } from './ProductsPage';
import type { Product, Sku } from './types';
import { ErrorBox, Field, Loading, PageHeader } from './ui';

interface SkuForm {
  id?: string;
  sku: string;
  variantName: string;
  price: string;
  cost: string;
  barcodes: string;
  reorderPoint: string;
  active: boolean;
}

interface ProductForm {
  name: string;
  description: string;
  categoryId: string;
  claveProdServ: string;
  claveUnidad: string;
  unitName: string;
  soldByWeight: boolean;
  priceIncludesTax: boolean;
  iva: Product['iva'];
  iepsType: '' | 'rate' | 'quota';
  iepsValue: string;
  trackLots: boolean;
  active: boolean;
  skus: SkuForm[];
}

const emptySku = (): SkuForm => ({
  sku: '',
  variantName: '',
  price: '',
  cost: '',
  barcodes: '',
  reorderPoint: '',
  active: true,
});

const emptyForm = (): ProductForm => ({
  name: '',
  description: '',
  categoryId: '',
  claveProdServ: '',
  claveUnidad: 'H87',
  unitName: 'Pieza',
  soldByWeight: false,
  priceIncludesTax: true,
  iva: 'iva16',
  iepsType: '',
  iepsValue: '',
  trackLots: false,
  active: true,
  skus: [emptySku()],
});

function formOf(p: Product): ProductForm {
  return {
    name: p.name,
    description: p.description ?? '',
    categoryId: p.categoryId ?? '',
    claveProdServ: p.claveProdServ,
    claveUnidad: p.claveUnidad,
    unitName: p.unitName,
    soldByWeight: p.soldByWeight,
    priceIncludesTax: p.priceIncludesTax,
    iva: p.iva,
    iepsType: p.ieps?.type ?? '',
    iepsValue: p.ieps?.value ?? '',
    trackLots: p.trackLots,
    active: p.active,
    skus: p.skus.map((s: Sku) => ({
      id: s.id,
      sku: s.sku,
      variantName: s.variantName,
      price: s.price,
      cost: s.cost ?? '',
      barcodes: s.barcodes.join(', '),
      reorderPoint: s.reorderPoint ?? '',
      active: s.active,
    })),
  };
}

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

function productBody(f: ProductForm) {
  return {
    name: f.name,
    description: opt(f.description),
    categoryId: f.categoryId || null,
    claveProdServ: f.claveProdServ.trim(),
    claveUnidad: f.claveUnidad.trim(),
    unitName: opt(f.unitName),
    soldByWeight: f.soldByWeight,
    priceIncludesTax: f.priceIncludesTax,
    iva: f.iva,
    ieps: f.iepsType ? { type: f.iepsType, value: f.iepsValue.trim() } : null,
    trackLots: f.trackLots,
  };
}

function skuBody(s: SkuForm) {
  return {
    sku: s.sku.trim(),
    variantName: s.variantName.trim(),
    price: s.price.trim(),
    cost: opt(s.cost),
    barcodes: s.barcodes
      .split(/[,\s]+/)
      .map((b) => b.trim())
      .filter(Boolean),
    reorderPoint: opt(s.reorderPoint),
    active: s.active,
  };
}

/** Which field a domain error belongs to (validation errors come with their own path). */
function fieldOf(err: ApiError, form: ProductForm, skuIndex: number | null): string | null {
  const code = String(err.details.code ?? '');
  switch (err.code) {
    case 'BARCODE_INVALID':
    case 'BARCODE_CHECK_DIGIT':
    case 'BARCODE_DUPLICATE': {
      const i = code ? form.skus.findIndex((s) => skuBody(s).barcodes.includes(code)) : -1;
      const idx = i >= 0 ? i : skuIndex;
      return idx === null ? null : `skus.${idx}.barcodes`;
    }
    case 'SKU_DUPLICATE':
      return skuIndex === null ? 'skus.0.sku' : `skus.${skuIndex}.sku`;
    case 'CLAVE_PROD_SERV_INVALID':
      return 'claveProdServ';
    case 'CLAVE_UNIDAD_INVALID':
      return 'claveUnidad';
    case 'IEPS_VALUE_REQUIRED':
      return 'ieps';
    default:
      return null;
  }
}

/** Create or edit a product with its variants (SKUs), barcodes, taxes and SAT keys. */
export function ProductEditPage() {
  const l = useL();
  const { productId } = useParams();
  const isNew = !productId || productId === 'new';
  const navigate = useNavigate();
  const qc = useQueryClient();
  const categories = useCategories();
  const existing = useQuery({
    queryKey: ['product', productId],
    queryFn: () => get<Product>(`/products/${productId}`),
    enabled: !isNew,
  });
  const [form, setForm] = useState<ProductForm>(emptyForm);
  const [loadedId, setLoadedId] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (existing.data && loadedId !== existing.data.id) {
      setForm(formOf(existing.data));
      setLoadedId(existing.data.id);
    }
  }, [existing.data, loadedId]);

  const set = <K extends keyof ProductForm>(k: K, v: ProductForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setSku = (i: number, patch: Partial<SkuForm>) =>
    setForm((f) => ({ ...f, skus: f.skus.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setFailure(null);
    setSaved(false);
    let skuIndex: number | null = null;
    let prefix = '';
    try {
      if (isNew) {
        const created = await api<Product>('POST', '/products', {
          ...productBody(form),
          skus: form.skus.map(skuBody),
        });
        await qc.invalidateQueries({ queryKey: ['products'] });
        navigate(`/admin/products/${created.id}`, { replace: true });
        return;
      }
      // SKUs first: a bad barcode or price (the usual mistakes) then leaves the product untouched.
      for (const [i, s] of form.skus.entries()) {
        skuIndex = i;
        prefix = `skus.${i}.`;
        if (s.id) await api('PATCH', `/skus/${s.id}`, skuBody(s));
        else {
          const created = await api<Sku>('POST', `/products/${productId}/skus`, skuBody(s));
          setSku(i, { id: created.id });
        }
      }
      skuIndex = null;
      prefix = '';
      await api<Product>('PATCH', `/products/${productId}`, { ...productBody(form), active: form.active });
      await qc.invalidateQueries({ queryKey: ['products'] });
      await qc.invalidateQueries({ queryKey: ['product', productId] });
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError) {
        const out: Record<string, string> = {};
        for (const [path, msg] of Object.entries(err.fieldErrors())) out[prefix + path] = msg;
        const field = fieldOf(err, form, skuIndex);
        if (field) out[field] = err.message;
        setErrors(out);
        if (Object.keys(out).length === 0) setFailure(err);
      } else setFailure(err);
    } finally {
      setSaving(false);
    }
  }

  if (!isNew && existing.isLoading) return <Loading />;
  if (!isNew && existing.error) return <ErrorBox error={existing.error} />;
  const err = (k: string) => errors[k];

  return (
    <form onSubmit={save} className="bo-form" noValidate>
      <PageHeader title={isNew ? l('Nuevo producto', 'New product') : form.name || l('Producto', 'Product')}>
        <Link className="button" to="/admin/products">
          {l('Regresar', 'Back')}
        </Link>
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? l('Guardando…', 'Saving…') : l('Guardar', 'Save')}
        </button>
      </PageHeader>
      {Object.keys(errors).length > 0 ? (
        <p className="error" role="alert">
          {l('No se guardó: revisa los campos marcados.', 'Not saved: check the marked fields.')}
        </p>
      ) : null}
      <ErrorBox error={failure} />
      {saved ? <p className="ok-box">{l('Cambios guardados.', 'Changes saved.')}</p> : null}

      <section className="card bo-section">
        <h2>{l('Datos del producto', 'Product')}</h2>
        <div className="bo-grid">
          <Field label={l('Nombre', 'Name')} error={err('name')} wide>
            <input value={form.name} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <Field label={l('Categoría', 'Category')} error={err('categoryId')}>
            <select value={form.categoryId} onChange={(e) => set('categoryId', e.target.value)}>
              <option value="">{l('Sin categoría', 'No category')}</option>
              {(categories.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={l('Descripción', 'Description')} error={err('description')} wide>
            <input value={form.description} onChange={(e) => set('description', e.target.value)} />
          </Field>
          <label className="bo-check">
            <input
              type="checkbox"
              checked={form.active}
              onChange={(e) => set('active', e.target.checked)}
              disabled={isNew}
            />
            {l('Activo (se vende)', 'Active (for sale)')}
          </label>
        </div>
      </section>

      <section className="card bo-section">
        <h2>{l('Impuestos y claves SAT', 'Taxes and SAT keys')}</h2>
        <div className="bo-grid">
          <Field
            label={l('Clave de producto SAT (8 dígitos)', 'SAT product key (8 digits)')}
            error={err('claveProdServ')}
          >
            <input
              inputMode="numeric"
              value={form.claveProdServ}
              onChange={(e) => set('claveProdServ', e.target.value)}
              placeholder="50202306"
            />
          </Field>
          <Field label={l('Clave de unidad SAT', 'SAT unit key')} error={err('claveUnidad')}>
            <input
              value={form.claveUnidad}
              onChange={(e) => set('claveUnidad', e.target.value.toUpperCase())}
              placeholder="H87"
            />
          </Field>
          <Field label={l('Unidad (como se lee en el ticket)', 'Unit name')} error={err('unitName')}>
            <input value={form.unitName} onChange={(e) => set('unitName', e.target.value)} />
          </Field>
          <Field label="IVA" error={err('iva')}>
            <select value={form.iva} onChange={(e) => set('iva', e.target.value as Product['iva'])}>
              {Object.entries(IVA_LABEL).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </Field>
          <Field label="IEPS" error={err('ieps') ?? err('ieps.value')}>
            <div className="bo-row">
              <select
                value={form.iepsType}
                onChange={(e) => set('iepsType', e.target.value as ProductForm['iepsType'])}
              >
                <option value="">{l('No aplica', 'None')}</option>
                <option value="rate">{l('Tasa (p. ej. 0.080000)', 'Rate')}</option>
                <option value="quota">{l('Cuota por unidad (p. ej. 1.6451)', 'Quota per unit')}</option>
              </select>
              {form.iepsType ? (
                <input
                  aria-label={l('Valor del IEPS', 'IEPS value')}
                  value={form.iepsValue}
                  onChange={(e) => set('iepsValue', e.target.value)}
                />
              ) : null}
            </div>
          </Field>
          <label className="bo-check">
            <input
              type="checkbox"
              checked={form.priceIncludesTax}
              onChange={(e) => set('priceIncludesTax', e.target.checked)}
            />
            {l('El precio ya incluye impuestos', 'Price includes taxes')}
          </label>
          <label className="bo-check">
            <input
              type="checkbox"
              checked={form.soldByWeight}
              onChange={(e) => set('soldByWeight', e.target.checked)}
            />
            {l('Se vende por peso (kg)', 'Sold by weight (kg)')}
          </label>
          <label className="bo-check">
            <input
              type="checkbox"
              checked={form.trackLots}
              onChange={(e) => set('trackLots', e.target.checked)}
            />
            {l('Maneja lotes y caducidad', 'Tracks lots and expiry')}
          </label>
        </div>
      </section>

      <section className="card bo-section">
        <div className="bo-chart-head">
          <h2>{l('Variantes (SKU), precios y códigos de barras', 'Variants (SKU), prices and barcodes')}</h2>
          <button
            type="button"
            className="button small"
            onClick={() => set('skus', [...form.skus, emptySku()])}
          >
            {l('Agregar variante', 'Add variant')}
          </button>
        </div>
        {form.skus.map((s, i) => (
          <div className="bo-grid bo-sku" key={s.id ?? `new-${i}`} data-testid={`sku-${i}`}>
            <Field label="SKU" error={err(`skus.${i}.sku`)}>
              <input value={s.sku} onChange={(e) => setSku(i, { sku: e.target.value })} />
            </Field>
            <Field
              label={l('Variante (talla, color…)', 'Variant (size, color…)')}
              error={err(`skus.${i}.variantName`)}
            >
              <input value={s.variantName} onChange={(e) => setSku(i, { variantName: e.target.value })} />
            </Field>
            <Field label={l('Precio', 'Price')} error={err(`skus.${i}.price`)}>
              <input
                inputMode="decimal"
                value={s.price}
                onChange={(e) => setSku(i, { price: e.target.value })}
                placeholder="18.00"
              />
            </Field>
            <Field label={l('Costo', 'Cost')} error={err(`skus.${i}.cost`)}>
              <input
                inputMode="decimal"
                value={s.cost}
                onChange={(e) => setSku(i, { cost: e.target.value })}
              />
            </Field>
            <Field
              label={l('Códigos de barras (separados por coma)', 'Barcodes (comma separated)')}
              error={err(`skus.${i}.barcodes`) ?? err(`skus.${i}.barcodes.0`)}
              wide
            >
              <input value={s.barcodes} onChange={(e) => setSku(i, { barcodes: e.target.value })} />
            </Field>
            <Field label={l('Punto de reorden', 'Reorder point')} error={err(`skus.${i}.reorderPoint`)}>
              <input
                inputMode="decimal"
                value={s.reorderPoint}
                onChange={(e) => setSku(i, { reorderPoint: e.target.value })}
              />
            </Field>
            <label className="bo-check">
              <input
                type="checkbox"
                checked={s.active}
                onChange={(e) => setSku(i, { active: e.target.checked })}
              />
              {l('Activa', 'Active')}
            </label>
            {!s.id && form.skus.length > 1 ? (
              <button
                type="button"
                className="link"
                onClick={() =>
                  set(
                    'skus',
                    form.skus.filter((_, j) => j !== i),
                  )
                }
              >
                {l('Quitar', 'Remove')}
              </button>
            ) : null}
          </div>
        ))}
      </section>
    </form>
  );
}
