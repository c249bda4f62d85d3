import { registerUniqueConstraint } from '../../db/errors.js';
import { defineErrors } from '../../shared/errors.js';

export const CustomerErrors = defineErrors({
  CUSTOMER_NOT_FOUND: { status: 404, es: 'No existe ese cliente.', en: 'No such customer.' },
  CUSTOMER_MERGED: {
    status: 409,
    es: 'Este cliente se unió con otro ({mergedInto}): modifica ese perfil.',
    en: 'This customer was merged into {mergedInto}: change that profile.',
  },
  CUSTOMER_CONTACT_REQUIRED: {
    status: 422,
    es: 'Indica el teléfono o el correo del cliente.',
    en: 'Give the customer a phone number or an e-mail.',
  },
  CUSTOMER_PHONE_INVALID: {
    status: 422,
    es: 'El teléfono {phone} no es válido: usa 10 dígitos (p. ej. 55 1234 5678) o el formato internacional +52.',
    en: 'Phone number {phone} is not valid: use 10 digits or the international +52 form.',
  },
  CUSTOMER_PHONE_DUPLICATE: {
    status: 409,
    es: 'Ya existe un cliente con ese teléfono.',
    en: 'A customer with this phone number exists.',
  },
  CUSTOMER_EMAIL_DUPLICATE: {
    status: 409,
    es: 'Ya existe un cliente con ese correo.',
    en: 'A customer with this e-mail exists.',
  },
  CUSTOMER_RFC_INVALID: {
    status: 422,
    es: 'El RFC {rfc} no tiene un formato válido: persona física son 4 letras, fecha AAMMDD y 3 caracteres de homoclave (13 en total); persona moral, 3 letras (12 en total).',
    en: 'RFC {rfc} is not well formed: 4 letters (persona física) or 3 (persona moral), a YYMMDD date and a 3-character homoclave.',
  },
  CUSTOMER_RFC_DATE_INVALID: {
    status: 422,
    es: 'La fecha dentro del RFC {rfc} no existe (posiciones AAMMDD): revisa que esté bien escrito.',
    en: 'The date inside RFC {rfc} (YYMMDD) does not exist.',
  },
  CUSTOMER_REGIMEN_FISCAL_INVALID: {
    status: 422,
    es: 'El régimen fiscal {regimenFiscal} no existe en el catálogo del SAT.',
    en: 'Tax regime {regimenFiscal} is not in the SAT catalog.',
  },
  CUSTOMER_REGIMEN_PERSON_TYPE: {
    status: 422,
    es: 'El régimen fiscal {regimenFiscal} no aplica a una persona {personType} (RFC {rfc}).',
    en: 'Tax regime {regimenFiscal} does not apply to a persona {personType} (RFC {rfc}).',
  },
  CUSTOMER_USO_CFDI_INVALID: {
    status: 422,
    es: 'El uso de CFDI {usoCfdi} no existe en el catálogo del SAT.',
    en: 'CFDI use {usoCfdi} is not in the SAT catalog.',
  },
  CUSTOMER_USO_CFDI_PERSON_TYPE: {
    status: 422,
    es: 'El uso de CFDI {usoCfdi} no aplica a una persona {personType} (RFC {rfc}).',
    en: 'CFDI use {usoCfdi} does not apply to a persona {personType} (RFC {rfc}).',
  },
  CUSTOMER_USO_CFDI_REGIMEN: {
    status: 422,
    es: 'El uso de CFDI {usoCfdi} no está permitido para el régimen fiscal {regimenFiscal}; permitidos: {allowedUsos}.',
    en: 'CFDI use {usoCfdi} is not allowed for tax regime {regimenFiscal}; allowed: {allowedUsos}.',
  },
  CUSTOMER_GENERIC_RFC_FISCAL: {
    status: 422,
    es: 'Con el RFC genérico {rfc} el régimen debe ser 616 (Sin obligaciones fiscales) y el uso de CFDI S01 (Sin efectos fiscales).',
    en: 'With the generic RFC {rfc} the regime must be 616 and the CFDI use S01.',
  },
  CUSTOMER_CODIGO_POSTAL_INVALID: {
    status: 422,
    es: 'El código postal {codigoPostal} no es válido: son 5 dígitos.',
    en: 'Postal code {codigoPostal} is not valid: it has 5 digits.',
  },
  CUSTOMER_ERASED: {
    status: 409,
    es: 'Los datos personales de este cliente se eliminaron a petición suya: ya no se puede modificar.',
    en: "This customer's personal data was erased on their request: the profile cannot be changed.",
  },
  CUSTOMER_MERGE_SAME: {
    status: 422,
    es: 'No se puede unir un cliente consigo mismo.',
    en: 'A customer cannot be merged with itself.',
  },
});

registerUniqueConstraint('customers_phone_key', 'CUSTOMER_PHONE_DUPLICATE');
registerUniqueConstraint('customers_email_key', 'CUSTOMER_EMAIL_DUPLICATE');
