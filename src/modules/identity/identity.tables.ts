import type { Generated } from 'kysely';
import type { Json, JsonDefault, Timestamp, TimestampDefault } from '../../db/types.js';

export type Role = 'owner' | 'manager' | 'cashier' | 'agent' | 'kitchen';

export interface TenantsTable {
  id: string;
  name: string;
  legal_name: string | null;
  rfc: string | null;
  regimen_fiscal: string | null;
  timezone: Generated<string>;
  settings: JsonDefault<Record<string, unknown>>;
  created_at: TimestampDefault;
}

export interface LocationsTable {
  tenant_id: string;
  id: string;
  name: string;
  kind: 'store' | 'warehouse';
  postal_code: string | null;
  address: string | null;
  active: Generated<boolean>;
  created_at: TimestampDefault;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  location_ids: string[] | null;
  active: Generated<boolean>;
  created_at: TimestampDefault;
}

export interface WebSessionsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  created_at: TimestampDefault;
}

export interface ApiTokensTable {
  tenant_id: string;
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: TimestampDefault;
}

export interface LoginFailuresTable {
  email: string;
  failed_at: TimestampDefault;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number | null;
  response: Json<unknown> | null;
  created_at: TimestampDefault;
}

export interface EventsTable {
  tenant_id: string;
  id: Generated<number>;
  type: string;
  payload: Json<Record<string, unknown>>;
  created_at: TimestampDefault;
}

export interface AuditLogTable {
  tenant_id: string;
  id: Generated<number>;
  user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  data: JsonDefault<Record<string, unknown>>;
  created_at: TimestampDefault;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  applied_at: TimestampDefault;
}

export interface IdentityTables {
  schema_migrations: SchemaMigrationsTable;
  tenants: TenantsTable;
  locations: LocationsTable;
  users: UsersTable;
  web_sessions: WebSessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  idempotency_keys: IdempotencyKeysTable;
  events: EventsTable;
  audit_log: AuditLogTable;
}
