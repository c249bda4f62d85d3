import type { Generated } from 'kysely';
import type { Timestamp } from '../../db/types.js';

export type PrivacyRequestKind = 'access' | 'rectification' | 'cancellation' | 'opposition';
export type PrivacyRequestChannel = 'counter' | 'whatsapp' | 'online' | 'phone' | 'email' | 'other';
export type PrivacyRequestStatus = 'open' | 'done' | 'refused';

export interface PrivacyRequestsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  kind: PrivacyRequestKind;
  channel: PrivacyRequestChannel;
  details: string | null;
  status: Generated<PrivacyRequestStatus>;
  received_at: Timestamp;
  /** YYYY-MM-DD */
  due_on: string;
  resolution: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_by: string | null;
}

export interface PrivacyTables {
  privacy_requests: PrivacyRequestsTable;
}
