import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp, TimestampDefault } from '../../db/types.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

export interface WebhookSubscriptionsTable {
  tenant_id: string;
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  /** Plain text only in rows from before migration 029, until the webhook worker seals them. */
  secret: string | null;
  /** AES-256-GCM under SECRET_KEY (src/shared/secrets.ts). */
  secret_enc: string | null;
  from_event_id: number;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: TimestampDefault;
  deleted_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: string;
  subscription_id: string;
  event_id: number;
  event_type: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  response_excerpt: string | null;
  delivered_at: Timestamp | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface WebhookAttemptsTable {
  tenant_id: string;
  delivery_id: string;
  attempt: number;
  attempted_at: Timestamp;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface EventConsumersTable {
  name: string;
  high: number;
  gaps: JsonDefault<Record<string, number>>;
  updated_at: TimestampDefault;
}

export interface EventsTables {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  event_consumers: EventConsumersTable;
}
