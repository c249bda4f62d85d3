import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** Id prefixes: every id says what it names (`sale_01J…`). */
export const ID_PREFIXES = [
  'ten',
  'usr',
  'ses',
  'tok',
  'loc',
  'cat',
  'prd',
  'sku',
  'lot',
  'res',
  'trf',
  'rcv',
  'adj',
  'cnt',
  'reg',
  'cs',
  'cmv',
  /** a corte Z queued by a terminal without the server (its place in the queue) */
  'ccl',
  'sale',
  'park',
  'cus',
  'ord',
  'ret',
  'whk',
  'whd',
  'evt',
  'inv',
  'ipay',
  'imp',
  'scf',
  'prq',
  'acm',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/** A new sortable, typed id: `prefix_` + a ULID. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next()}`;
}

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `id` is `prefix_` followed by a well-formed ULID. */
export function isId(prefix: IdPrefix, id: string): boolean {
  if (!id.startsWith(`${prefix}_`)) return false;
  return ULID_RE.test(id.slice(prefix.length + 1));
}
