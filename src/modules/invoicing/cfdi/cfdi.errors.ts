import { defineErrors } from '../../../shared/errors.js';

/**
 * What the CFDI builder refuses before SAT or the PAC would. The SAT rule each code prevents
 * (Matriz de errores CFDI 4.0, `CFDI40xxx`) is in `details.sat` when there is one.
 */
export const CfdiErrors = defineErrors({
  CFDI_RFC_INVALID: {
    status: 422,
    es: 'El RFC {rfc} ({field}) no tiene un formato válido: 12 caracteres para persona moral o 13 para persona física, con fecha válida.',
    en: 'RFC {rfc} ({field}) is not well formed: 12 characters (company) or 13 (individual) with a valid date.',
  },
  CFDI_POSTAL_CODE_REQUIRED: {
    status: 422,
    es: 'Falta el código postal ({field}); el SAT lo exige en CFDI 4.0.',
    en: 'The postal code ({field}) is missing; CFDI 4.0 requires it.',
  },
  CFDI_POSTAL_CODE_INVALID: {
    status: 422,
    es: 'El código postal {value} ({field}) debe tener exactamente 5 dígitos.',
    en: 'Postal code {value} ({field}) must be exactly 5 digits.',
  },
  CFDI_REGIMEN_INVALID: {
    status: 422,
    es: 'El régimen fiscal {value} ({field}) no existe en el catálogo del SAT.',
    en: 'Tax regime {value} ({field}) is not in SAT’s catalog.',
  },
  CFDI_REGIMEN_PERSONA: {
    status: 422,
    es: 'El régimen fiscal {value} no corresponde a una persona {persona} (RFC {rfc}).',
    en: 'Tax regime {value} does not apply to a {persona} taxpayer (RFC {rfc}).',
  },
  CFDI_USO_INVALID: {
    status: 422,
    es: 'El uso del CFDI {value} no existe en el catálogo del SAT.',
    en: 'CFDI use {value} is not in SAT’s catalog.',
  },
  CFDI_USO_REGIMEN: {
    status: 422,
    es: 'El uso del CFDI {usoCfdi} no se permite para una persona {persona} con régimen {regimen}. Elige otro uso o revisa tu régimen en tu constancia de situación fiscal.',
    en: 'CFDI use {usoCfdi} is not allowed for a {persona} taxpayer in regime {regimen}.',
  },
  CFDI_GENERIC_RFC_REGIMEN: {
    status: 422,
    es: 'Con el RFC genérico {rfc} el régimen fiscal del receptor debe ser 616 (Sin obligaciones fiscales).',
    en: 'With the generic RFC {rfc} the receiver’s tax regime must be 616.',
  },
  CFDI_GENERIC_RFC_USO: {
    status: 422,
    es: 'Con el RFC genérico {rfc} el uso del CFDI debe ser {expected}.',
    en: 'With the generic RFC {rfc} the CFDI use must be {expected}.',
  },
  CFDI_GENERIC_RFC_POSTAL_CODE: {
    status: 422,
    es: 'Con el RFC genérico {rfc} el domicilio fiscal del receptor debe ser el código postal del lugar de expedición ({expected}).',
    en: 'With the generic RFC {rfc} the receiver’s postal code must be the place of issue ({expected}).',
  },
  CFDI_PUBLICO_GENERAL_RFC: {
    status: 422,
    es: 'El nombre "PUBLICO EN GENERAL" solo se usa con el RFC XAXX010101000.',
    en: 'The name "PUBLICO EN GENERAL" is only used with RFC XAXX010101000.',
  },
  CFDI_GLOBAL_REQUIRED: {
    status: 422,
    es: 'Una factura a "PUBLICO EN GENERAL" con RFC XAXX010101000 debe llevar la información global (periodicidad, meses y año).',
    en: 'An invoice to "PUBLICO EN GENERAL" (XAXX010101000) needs InformacionGlobal.',
  },
  CFDI_GLOBAL_RECEPTOR: {
    status: 422,
    es: 'La factura global solo se emite a RFC XAXX010101000, nombre "PUBLICO EN GENERAL".',
    en: 'A global invoice goes only to XAXX010101000, "PUBLICO EN GENERAL".',
  },
  CFDI_GLOBAL_PERIODICIDAD_INVALID: {
    status: 422,
    es: 'La periodicidad {value} de la factura global no existe en el catálogo del SAT (01 diario a 05 bimestral).',
    en: 'Periodicity {value} of the global invoice is not in SAT’s catalog.',
  },
  CFDI_GLOBAL_MESES_INVALID: {
    status: 422,
    es: 'El mes {value} no corresponde a la periodicidad {periodicidad}: usa 01 a 12, o 13 a 18 si es bimestral.',
    en: 'Month {value} does not fit periodicity {periodicidad}: 01-12, or 13-18 when bimonthly.',
  },
  CFDI_GLOBAL_BIMESTRAL_REGIMEN: {
    status: 422,
    es: 'La periodicidad bimestral (05) solo la puede usar un emisor del régimen 621 (Incorporación Fiscal).',
    en: 'Bimonthly periodicity (05) is only for issuers in regime 621.',
  },
  CFDI_GLOBAL_YEAR: {
    status: 422,
    es: 'El año {value} de la factura global debe ser el de la fecha de emisión o el anterior.',
    en: 'Year {value} of the global invoice must be the issue year or the one before.',
  },
  CFDI_GLOBAL_CONCEPTO: {
    status: 422,
    es: 'En la factura global cada concepto es un ticket: clave 01010101, unidad ACT y el número de ticket en NoIdentificacion (concepto {index}).',
    en: 'Each global invoice line is a ticket: 01010101, ACT and the ticket number (line {index}).',
  },
  CFDI_FOREIGN_RFC: {
    status: 422,
    es: 'Para un receptor residente en el extranjero usa el RFC genérico XEXX010101000.',
    en: 'A foreign receiver must use the generic RFC XEXX010101000.',
  },
  CFDI_RESIDENCIA_INVALID: {
    status: 422,
    es: 'La residencia fiscal {value} no es válida: debe ser un país del catálogo del SAT distinto de México.',
    en: 'Tax residence {value} is not valid: a SAT country other than Mexico.',
  },
  CFDI_NUM_REG_ID_TRIB_UNSUPPORTED: {
    status: 422,
    es: 'El número de registro tributario extranjero solo se usa con el complemento de comercio exterior, que aún no emitimos.',
    en: 'NumRegIdTrib requires the foreign-trade complement, which is not supported.',
  },
  CFDI_FORMA_PAGO_REQUIRED: {
    status: 422,
    es: 'Falta la forma de pago.',
    en: 'The payment form is missing.',
  },
  CFDI_FORMA_PAGO_INVALID: {
    status: 422,
    es: 'La forma de pago {value} no existe en el catálogo del SAT.',
    en: 'Payment form {value} is not in SAT’s catalog.',
  },
  CFDI_METODO_PAGO_REQUIRED: {
    status: 422,
    es: 'Falta el método de pago (PUE o PPD).',
    en: 'The payment method (PUE or PPD) is missing.',
  },
  CFDI_METODO_PAGO_INVALID: {
    status: 422,
    es: 'El método de pago {value} no existe: usa PUE (una sola exhibición) o PPD (parcialidades o diferido).',
    en: 'Payment method {value} does not exist: PUE or PPD.',
  },
  CFDI_PPD_REQUIRES_99: {
    status: 422,
    es: 'Con método de pago PPD la forma de pago debe ser 99 (Por definir).',
    en: 'With PPD the payment form must be 99.',
  },
  CFDI_PUE_FORMA_POR_DEFINIR: {
    status: 422,
    es: 'Con método de pago PUE indica la forma de pago real; 99 (Por definir) solo va con PPD.',
    en: 'With PUE give the actual payment form; 99 is only for PPD.',
  },
  CFDI_EGRESO_PUE: {
    status: 422,
    es: 'Una nota de crédito (egreso) se emite con método de pago PUE.',
    en: 'A credit note (egreso) uses payment method PUE.',
  },
  CFDI_PAGO_FORMA_METODO: {
    status: 422,
    es: 'Un CFDI de pago no lleva forma ni método de pago en el comprobante; van en cada pago.',
    en: 'A payment CFDI has no FormaPago/MetodoPago on the voucher; they go in each payment.',
  },
  CFDI_MONEDA_UNSUPPORTED: {
    status: 422,
    es: 'Por ahora solo emitimos CFDI en pesos mexicanos (MXN); la moneda {value} no está soportada.',
    en: 'Only MXN is supported for now; currency {value} is not.',
  },
  CFDI_EXPORTACION_UNSUPPORTED: {
    status: 422,
    es: 'Solo emitimos CFDI con Exportacion 01 (no aplica); {value} requiere otros complementos.',
    en: 'Only Exportacion 01 is supported; {value} needs other complements.',
  },
  CFDI_FECHA_INVALID: {
    status: 422,
    es: 'La fecha {value} debe tener la forma AAAA-MM-DDThh:mm:ss, en hora local y sin zona horaria.',
    en: 'Date {value} must look like YYYY-MM-DDThh:mm:ss, local time, no zone.',
  },
  CFDI_TEXT_INVALID: {
    status: 422,
    es: 'El campo {field} debe tener entre 1 y {max} caracteres, sin "|" ni caracteres de control.',
    en: 'Field {field} must have 1 to {max} characters, no "|" or control characters.',
  },
  CFDI_AMOUNT_INVALID: {
    status: 422,
    es: 'El importe {value} ({field}) no es válido: un número no negativo con hasta 6 decimales.',
    en: 'Amount {value} ({field}) is not valid: non-negative, up to 6 decimals.',
  },
  CFDI_CONCEPTOS_REQUIRED: {
    status: 422,
    es: 'El comprobante necesita al menos un concepto.',
    en: 'The invoice needs at least one line.',
  },
  CFDI_CONCEPTOS_FORBIDDEN: {
    status: 422,
    es: 'Un CFDI de pago no lleva conceptos propios; el concepto "Pago" se agrega solo.',
    en: 'A payment CFDI takes no lines; the "Pago" line is added automatically.',
  },
  CFDI_CLAVE_PROD_SERV_INVALID: {
    status: 422,
    es: 'La clave de producto o servicio {value} (concepto {index}) debe tener 8 dígitos del catálogo del SAT.',
    en: 'Product/service key {value} (line {index}) must be 8 digits from SAT’s catalog.',
  },
  CFDI_CLAVE_UNIDAD_INVALID: {
    status: 422,
    es: 'La clave de unidad {value} (concepto {index}) no existe en el catálogo del SAT.',
    en: 'Unit key {value} (line {index}) is not in SAT’s catalog.',
  },
  CFDI_CANTIDAD_INVALID: {
    status: 422,
    es: 'La cantidad {value} (concepto {index}) debe ser mayor que cero y tener hasta 6 decimales.',
    en: 'Quantity {value} (line {index}) must be positive with up to 6 decimals.',
  },
  CFDI_VALOR_UNITARIO_ZERO: {
    status: 422,
    es: 'El valor unitario del concepto {index} debe ser mayor que cero en un ingreso o egreso.',
    en: 'The unit value of line {index} must be greater than zero.',
  },
  CFDI_DESCUENTO_EXCEEDS_IMPORTE: {
    status: 422,
    es: 'El descuento {descuento} del concepto {index} es mayor que su importe {importe}.',
    en: 'Discount {descuento} of line {index} exceeds its amount {importe}.',
  },
  CFDI_OBJETO_IMP_INVALID: {
    status: 422,
    es: 'El objeto de impuesto {value} (concepto {index}) no está soportado: usa 01, 02 o 03.',
    en: 'ObjetoImp {value} (line {index}) is not supported: 01, 02 or 03.',
  },
  CFDI_OBJETO_IMP_REQUIRES_TAXES: {
    status: 422,
    es: 'El concepto {index} es objeto de impuesto (02) y no tiene impuestos: agrega el traslado (IVA) o cambia el objeto de impuesto.',
    en: 'Line {index} is ObjetoImp 02 but has no taxes.',
  },
  CFDI_OBJETO_IMP_FORBIDS_TAXES: {
    status: 422,
    es: 'El concepto {index} tiene objeto de impuesto {value} y no debe llevar impuestos.',
    en: 'Line {index} has ObjetoImp {value} and must carry no taxes.',
  },
  CFDI_TAX_RATE_INVALID: {
    status: 422,
    es: 'La tasa o cuota {tasaOCuota} de {impuesto} ({tipoFactor}, {kind}) del concepto {index} no está en el catálogo del SAT.',
    en: 'Rate {tasaOCuota} of {impuesto} ({tipoFactor}, {kind}) on line {index} is not in SAT’s catalog.',
  },
  CFDI_TAX_RATE_REQUIRED: {
    status: 422,
    es: 'El impuesto {impuesto} del concepto {index} es {tipoFactor}: indica la tasa o cuota.',
    en: 'Tax {impuesto} on line {index} is {tipoFactor}: give the rate or quota.',
  },
  CFDI_TAX_EXENTO_WITH_RATE: {
    status: 422,
    es: 'El impuesto {impuesto} exento del concepto {index} no lleva tasa ni importe.',
    en: 'Exempt {impuesto} on line {index} takes no rate or amount.',
  },
  CFDI_RETENCION_EXENTO: {
    status: 422,
    es: 'Una retención no puede ser exenta (concepto {index}).',
    en: 'A withholding cannot be exempt (line {index}).',
  },
  CFDI_TAX_BASE_ZERO: {
    status: 422,
    es: 'La base del impuesto {impuesto} del concepto {index} debe ser mayor que cero (¿descuento del 100 %? usa objeto de impuesto 01).',
    en: 'The base of {impuesto} on line {index} must be greater than zero.',
  },
  CFDI_TAX_DUPLICATE: {
    status: 422,
    es: 'El concepto {index} tiene el impuesto {impuesto} dos veces como {kind}.',
    en: 'Line {index} has {impuesto} twice as {kind}.',
  },
  CFDI_TOTAL_NEGATIVE: {
    status: 422,
    es: 'Las retenciones superan al importe: el total no puede ser negativo.',
    en: 'Withholdings exceed the amount: the total cannot be negative.',
  },
  CFDI_RELACIONADOS_REQUIRED: {
    status: 422,
    es: 'Una nota de crédito debe relacionar la factura que corrige (tipo de relación 01 o 03 y su UUID).',
    en: 'A credit note must reference the invoice it corrects (TipoRelacion 01 or 03 and its UUID).',
  },
  CFDI_TIPO_RELACION_INVALID: {
    status: 422,
    es: 'El tipo de relación {value} no aplica a este comprobante ({tipo}).',
    en: 'TipoRelacion {value} does not apply to this voucher ({tipo}).',
  },
  CFDI_UUID_INVALID: {
    status: 422,
    es: 'El folio fiscal (UUID) {value} no tiene un formato válido.',
    en: 'Fiscal folio (UUID) {value} is not well formed.',
  },
  CFDI_PAGOS_REQUIRED: {
    status: 422,
    es: 'Un CFDI de pago necesita al menos un pago con un documento relacionado.',
    en: 'A payment CFDI needs at least one payment with a related document.',
  },
  CFDI_PAGO_USO: {
    status: 422,
    es: 'En un CFDI de pago el uso del CFDI del receptor debe ser CP01 (Pagos).',
    en: 'A payment CFDI must use CFDI use CP01.',
  },
  CFDI_PAGO_FORMA_INVALID: {
    status: 422,
    es: 'La forma del pago {index} ({value}) debe ser una forma real del catálogo del SAT, no 99.',
    en: 'Payment {index} form ({value}) must be a real SAT payment form, not 99.',
  },
  CFDI_PAGO_SALDO: {
    status: 422,
    es: 'El pago al documento {idDocumento} ({impPagado}) debe ser mayor que cero y no mayor que su saldo anterior ({impSaldoAnt}).',
    en: 'The payment to {idDocumento} ({impPagado}) must be positive and at most the previous balance ({impSaldoAnt}).',
  },
  CFDI_PAGO_MONTO: {
    status: 422,
    es: 'El monto del pago {index} ({monto}) es menor que la suma pagada a los documentos ({pagado}).',
    en: 'Payment {index} amount ({monto}) is less than what it pays to the documents ({pagado}).',
  },
  CFDI_PAGO_PARCIALIDAD: {
    status: 422,
    es: 'El número de parcialidad del documento {idDocumento} debe ser un entero de 1 a 999.',
    en: 'The installment number for {idDocumento} must be 1 to 999.',
  },
  CFDI_PAGO_DOCUMENTO_IMPUESTOS: {
    status: 422,
    es: 'El documento {idDocumento} es objeto de impuesto (02): indica su total y sus impuestos para prorratearlos en el pago.',
    en: 'Document {idDocumento} is ObjetoImpDR 02: give its total and taxes to prorate them.',
  },
  CFDI_CADENA_UNSUPPORTED: {
    status: 422,
    es: 'El elemento {element} no está soportado para calcular la cadena original.',
    en: 'Element {element} is not supported by the cadena original builder.',
  },
  CSD_INVALID: {
    status: 422,
    es: 'El archivo .cer no es un certificado válido del SAT.',
    en: 'The .cer file is not a valid SAT certificate.',
  },
  CSD_PASSWORD_WRONG: {
    status: 422,
    es: 'La contraseña de la llave privada (.key) no es correcta, o el archivo .key no es válido.',
    en: 'The private key (.key) password is wrong, or the .key file is not valid.',
  },
  CSD_KEY_CERT_MISMATCH: {
    status: 422,
    es: 'La llave privada (.key) no corresponde al certificado (.cer). Sube los dos archivos del mismo CSD.',
    en: 'The private key does not belong to the certificate.',
  },
  CSD_NOT_MATCHING_RFC: {
    status: 422,
    es: 'El certificado es del RFC {certRfc}, no del RFC del emisor {rfc}.',
    en: 'The certificate belongs to RFC {certRfc}, not to the issuer RFC {rfc}.',
  },
  CSD_EXPIRED: {
    status: 422,
    es: 'El certificado de sello digital no está vigente el {at} (vigencia del {validFrom} al {validTo}). Tramita uno nuevo en el portal del SAT.',
    en: 'The CSD is not in force on {at} (valid {validFrom} to {validTo}).',
  },
  CSD_IS_FIEL: {
    status: 422,
    es: 'Este certificado es una e.firma (FIEL), no un certificado de sello digital (CSD). Para facturar necesitas el CSD.',
    en: 'This certificate is an e.firma (FIEL), not a CSD.',
  },
});
