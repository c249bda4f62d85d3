import type { Generated } from 'kysely';
import type { Timestamp, TimestampDefault } from '../../db/types.js';

export type ConsentChannel = 'counter' | 'whatsapp' | 'online' | 'phone' | 'email' | 'import' | 'other';

export interface CustomersTable {
  tenant_id: string;
  id: string;
  name: Generated<string>;
  phone: string | null;
  email: string | null;
  rfc: string | null;
  razon_social: string | null;
  regimen_fiscal: string | null;
  uso_cfdi: string | null;
  codigo_postal: string | null;
  marketing_consent: Generated<boolean>;
  marketing_consent_at: Timestamp | null;
  marketing_consent_channel: ConsentChannel | null;
  notes: string | null;
  merged_into: string | null;
  merged_at: Timestamp | null;
  erased_at: Timestamp | null;
  /** Fiado: how much the customer may owe on account; null, no limit (accounts module). */
  credit_limit: Generated<string | null>;
  search_text: Generated<string>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface CustomerConsentsTable {
  tenant_id: string;
  id: Generated<number>;
  customer_id: string;
  purpose: Generated<string>;
  granted: boolean;
  channel: ConsentChannel;
  note: string | null;
  recorded_by: string | null;
  created_at: TimestampDefault;
}

export interface CustomersTables {
  customers: CustomersTable;
  customer_consents: CustomerConsentsTable;
}
