import { z } from 'zod';

export const zConsentChannel = z.enum(
  ['counter', 'whatsapp', 'online', 'phone', 'email', 'import', 'other'],
  {
    error: 'Canal de consentimiento inválido: counter, whatsapp, online, phone, email, import u other.',
  },
);

const zPhoneText = z
  .string()
  .trim()
  .min(7, 'El teléfono es demasiado corto.')
  .max(40, 'El teléfono es demasiado largo.');

/** Fiscal fields are optional; each is checked against SAT's rules in the service. */
const fiscalFields = {
  rfc: z.string().trim().max(20, 'El RFC tiene 12 o 13 caracteres.').nullable().optional(),
  razonSocial: z.string().trim().max(254).nullable().optional(),
  regimenFiscal: z.string().trim().max(3).nullable().optional(),
  usoCfdi: z.string().trim().max(4).nullable().optional(),
  codigoPostal: z
    .string()
    .trim()
    .regex(/^\d{5}$/, 'El código postal tiene 5 dígitos.')
    .nullable()
    .optional(),
};

export const zConsentInput = z.object({
  granted: z.boolean({ error: 'Indica si el cliente acepta (true) o no (false) recibir promociones.' }),
  channel: zConsentChannel,
  note: z.string().trim().max(500).optional(),
});

export const zCustomerInput = z.object({
  name: z.string().trim().max(200).optional(),
  phone: zPhoneText.nullable().optional(),
  email: z.email('Correo electrónico inválido.').max(254).nullable().optional(),
  ...fiscalFields,
  notes: z.string().max(2000).nullable().optional(),
  marketingConsent: zConsentInput.optional(),
});

export const zCustomerPatch = zCustomerInput.omit({ marketingConsent: true });

export const zCustomer = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  rfc: z.string().nullable(),
  razonSocial: z.string().nullable(),
  regimenFiscal: z.string().nullable(),
  usoCfdi: z.string().nullable(),
  codigoPostal: z.string().nullable(),
  marketingConsent: z.object({
    granted: z.boolean(),
    at: z.string().nullable(),
    channel: zConsentChannel.nullable(),
  }),
  notes: z.string().nullable(),
  mergedInto: z.string().nullable(),
  /** When its personal data was erased on the person's request (ARCO); null otherwise. */
  erasedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const zConsentRecord = z.object({
  id: z.number(),
  purpose: z.string(),
  granted: z.boolean(),
  channel: zConsentChannel,
  note: z.string().nullable(),
  recordedBy: z.string().nullable(),
  at: z.string(),
});

export const zHistoryEntry = z.object({
  kind: z.enum(['order', 'sale']),
  id: z.string(),
  channel: z.string(),
  status: z.string().nullable(),
  total: z.string(),
  locationId: z.string().nullable(),
  customerId: z.string(),
  createdAt: z.string(),
});

export const zCustomerHistory = z.object({
  customerId: z.string(),
  /** Profiles merged into this one, whose purchases are included. */
  mergedIds: z.array(z.string()),
  entries: z.array(zHistoryEntry),
  totals: z.object({ orders: z.number(), sales: z.number(), spent: z.string() }),
});

export const zMergeInput = z.object({
  keepId: z.string().min(1),
  mergeId: z.string().min(1),
});
