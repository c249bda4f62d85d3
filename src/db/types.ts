import { type ColumnType, type Generated, type RawBuilder, sql } from 'kysely';

/** timestamptz: a Date when read; a Date or ISO string when written; defaulted by the database. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;
/** numeric: always a decimal string in and out (never a JS number). */
export type Numeric = ColumnType<string, string, string>;
export type NumericDefault = ColumnType<string, string | undefined, string>;

/** A value written to a jsonb column; build it with `json(value)`. */
export type JsonWrite = RawBuilder<unknown>;
/** jsonb: written with `json(value)`, read as the parsed value. */
export type Json<T> = ColumnType<T, JsonWrite, JsonWrite>;
export type JsonDefault<T> = ColumnType<T, JsonWrite | undefined, JsonWrite>;

/**
 * A jsonb parameter that both drivers send the same way: as text, cast by PostgreSQL
 * (postgres.js would otherwise JSON-encode a string a second time).
 */
export function json(value: unknown): JsonWrite {
  return sql`${JSON.stringify(value)}::text::jsonb`;
}
export type { Generated };
