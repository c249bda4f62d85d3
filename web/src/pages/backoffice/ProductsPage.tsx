import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { get, qs } from '../../lib/api';
import { D } from '@server/shared/money.js';
import { formatMoney, formatQuantity } from '../../lib/format';
import { useL } from './lang';
import { useLevelsOf } from './levels';
import type { Category, Page, Product } from './types';
import { ErrorBox, Loading, PageHeader, useLocations } from './ui';

export const IVA_LABEL: Record<Product['iva'], string> = {
  iva16: 'IVA 16 %',
  iva8: 'IVA 8 % (frontera)',
  iva0: 'IVA 0 %',
  exento: 'Exento',
};

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => get<{ items: Category[] }>('/categories').then((r) => r.items),
  });
}

/** The catalog: search by name, SKU or barcode; filter by category and status. */
export function ProductsPage() {
  const l = useL();
  const [q, setQ] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [active, setActive] = useState('true');
  const categories = useCategories();
  const list = useInfiniteQuery({
    queryKey: ['products', q, categoryId, active],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<Page<Product>>(
        `/products${qs({ q: q.trim() || undefined, categoryId: categoryId || undefined, active: active || undefined, limit: 50, cursor: pageParam })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const products = list.data?.pages.flatMap((p) => p.items) ?? [];
  const catName = new Map((categories.data ?? []).map((c) => [c.id, c.name]));
  // what is available of each SKU shown, in all locations together, and per location on hover
  const levels = useLevelsOf(products.flatMap((p) => p.skus.map((s) => s.id)));
  const locations = useLocations();
  const locName = new Map((locations.data ?? []).map((x) => [x.id, x.name]));
  const stock = new Map<string, { total: InstanceType<typeof D>; detail: string[] }>();
  for (const x of levels) {
    const e = stock.get(x.skuId) ?? { total: new D(0), detail: [] };
    e.total = e.total.plus(x.available);
    e.detail.push(`${locName.get(x.locationId) ?? ''}: ${formatQuantity(x.available)}`);
    stock.set(x.skuId, e);
  }

  return (
    <div>
      <PageHeader title={l('Productos', 'Products')}>
        <Link className="button" to="/admin/products/import">
          {l('Importar CSV', 'Import CSV')}
        </Link>
        <a className="button" href="/api/v1/exports/products" download>
          {l('Exportar CSV', 'Export CSV')}
        </a>
        <Link className="button primary" to="/admin/products/new">
          {l('Nuevo producto', 'New product')}
        </Link>
      </PageHeader>
      <div className="bo-filters">
        <input
          type="search"
          placeholder={l('Buscar por nombre, SKU o código de barras…', 'Search by name, SKU or barcode…')}
          aria-label={l('Buscar productos', 'Search products')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <select
          aria-label={l('Categoría', 'Category')}
          value={categoryId}
          onChange={(e) => setCategoryId(e.target.value)}
        >
          <option value="">{l('Todas las categorías', 'All categories')}</option>
          {(categories.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label={l('Estado', 'Status')} value={active} onChange={(e) => setActive(e.target.value)}>
          <option value="true">{l('Activos', 'Active')}</option>
          <option value="false">{l('Inactivos', 'Inactive')}</option>
          <option value="">{l('Todos', 'All')}</option>
        </select>
      </div>
      <ErrorBox error={list.error} />
      {list.isLoading ? <Loading /> : null}
      <div className="card bo-table-card">
        <table className="lines" data-testid="products-table">
          <thead>
            <tr>
              <th>{l('Producto', 'Product')}</th>
              <th>SKU</th>
              <th>{l('Código de barras', 'Barcode')}</th>
              <th>{l('Categoría', 'Category')}</th>
              <th>{l('Impuestos', 'Taxes')}</th>
              <th className="num">{l('Precio', 'Price')}</th>
              <th className="num">{l('Costo', 'Cost')}</th>
              <th className="num">{l('Disponible', 'Available')}</th>
            </tr>
          </thead>
          <tbody>
            {products.flatMap((p) =>
              p.skus.map((s, i) => (
                <tr key={s.id} className={p.active ? '' : 'inactive'}>
                  <td>
                    {i === 0 ? (
                      <Link to={`/admin/products/${p.id}`}>{p.name}</Link>
                    ) : (
                      <span className="muted">↳</span>
                    )}{' '}
                    {s.variantName ? <span className="muted">{s.variantName}</span> : null}
                  </td>
                  <td>{s.sku}</td>
                  <td className="mono">{s.barcodes.join(', ')}</td>
                  <td>{p.categoryId ? (catName.get(p.categoryId) ?? '') : ''}</td>
                  <td>
                    {IVA_LABEL[p.iva]}
                    {p.ieps ? ` · IEPS ${p.ieps.type === 'rate' ? p.ieps.value : `$${p.ieps.value}`}` : ''}
                  </td>
                  <td className="num">{formatMoney(s.price)}</td>
                  <td className="num">{s.cost ? formatMoney(s.cost) : '—'}</td>
                  <td
                    className="num"
                    title={stock.get(s.id)?.detail.join(' · ')}
                    data-testid={`available-${s.sku}`}
                  >
                    {stock.has(s.id) ? formatQuantity(stock.get(s.id)!.total, p.soldByWeight) : '—'}
                  </td>
                </tr>
              )),
            )}
            {!list.isLoading && products.length === 0 ? (
              <tr>
                <td colSpan={8} className="muted">
                  {l('No hay productos con esos filtros.', 'No products match.')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {list.hasNextPage ? (
        <button
          type="button"
          className="button"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {l('Ver más', 'Load more')}
        </button>
      ) : null}
    </div>
  );
}
