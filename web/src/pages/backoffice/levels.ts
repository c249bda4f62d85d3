import { type QueryClient, useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { get, qs } from '../../lib/api';
import type { Page } from './types';

export interface StockLevel {
  skuId: string;
  locationId: string;
  sku: string;
  productName: string;
  onHand: string;
  reserved: string;
  available: string;
  reorderPoint: string | null;
}

const CHUNK = 50;

/**
 * The levels, in every location, of exactly the SKUs given, looked up by id fifty at a time: what
 * a page shows, whatever the size of the catalog. `staleTime` says how fresh it must be (names
 * barely change; stock does).
 */
export function useLevelsOf(skuIds: readonly string[], staleTime = 15_000): StockLevel[] {
  // in the order given, not sorted: a list that grows at the end (another page) keeps its
  // earlier chunks, and their cached answers, as they were
  const key = [...new Set(skuIds)].join(',');
  const chunks = useMemo(() => {
    const ids = key ? key.split(',') : [];
    const out: string[][] = [];
    for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
    return out;
  }, [key]);
  const found = useQueries({
    queries: chunks.map((ids) => ({
      queryKey: ['levels-of', ids],
      staleTime,
      queryFn: () =>
        get<Page<StockLevel>>(`/inventory/levels${qs({ skuIds: ids.join(','), limit: 500 })}`).then(
          (r) => r.items,
        ),
    })),
  });
  return found.flatMap((r) => r.data ?? []);
}

/** After stock moved (receipt, write-off, transfer, count): every stock figure on screen is read again. */
export function refreshStock(qc: QueryClient): void {
  for (const key of ['levels', 'levels-of', 'sku-picker', 'movements'])
    void qc.invalidateQueries({ queryKey: [key] });
}
