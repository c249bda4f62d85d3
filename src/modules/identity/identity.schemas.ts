import { z } from 'zod';

export const zRole = z.enum(['owner', 'manager', 'cashier', 'agent', 'kitchen']);

export const zUser = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  name: z.string(),
  role: zRole,
  locationIds: z.array(z.string()).nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});

export const zLoginBody = z.object({
  email: z.string().trim().min(3).max(200),
  password: z.string().min(1).max(200),
});

export const zCreateUserBody = z.object({
  email: z.email('Escribe un correo válido.'),
  name: z.string().trim().min(1).max(120),
  role: zRole,
  password: z.string().min(1).max(200),
  locationIds: z.array(z.string()).min(1, 'Elige al menos una sucursal, o todas.').nullable().optional(),
});

export const zUpdateUserBody = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  role: zRole.optional(),
  password: z.string().min(1).max(200).optional(),
  locationIds: z.array(z.string()).min(1, 'Elige al menos una sucursal, o todas.').nullable().optional(),
  active: z.boolean().optional(),
});

export const zApiToken = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const zLocation = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['store', 'warehouse']),
  postalCode: z.string().nullable(),
  address: z.string().nullable(),
  active: z.boolean(),
});
