export * from './cfdi.types.js';
export { CfdiErrors } from './cfdi.errors.js';
export { buildCfdi, buildCfdiTree, assertValidCfdi, fechaCfdi, globalInvoiceInput } from './build.js';
export type { GlobalInvoiceInput, GlobalTicketInput } from './build.js';
export {
  cadenaOriginalOf,
  cadenaOriginalFromXml,
  tfdCadenaOriginal,
  tfdCadenaOriginalFromXml,
  type TimbreFiscalDigital,
} from './cadena.js';
export { loadCsd, assertCsdInForce, type Csd, type LoadCsdInput } from './csd.js';
export { sealCfdi, signCadena, instantOfFecha, type SealedCfdi } from './seal.js';
export {
  decideRetenciones,
  personaOf,
  computeConcepto,
  summarize,
  type DecideRetencionesInput,
} from './taxes.js';
export { validateCfdi, isValidTasaOCuota, RFC_RE } from './validate.js';
export { parseXml, serializeXml, escapeAttr, escapeText } from './xml.js';
