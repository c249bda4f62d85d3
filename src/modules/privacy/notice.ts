/**
 * The simplified privacy notice (aviso de privacidad simplificado) a business shows where it
 * collects personal data, when the owner has not written their own: who is responsible, what is
 * collected and for what, marketing only with consent, how to exercise the ARCO rights and where
 * the changes are published. Plain text, Spanish, as the LFPDPPP asks it to be understandable.
 */
export function defaultPrivacyNotice(b: {
  name: string;
  legalName: string | null;
  address: string | null;
}): string {
  const who = b.legalName && b.legalName !== b.name ? `${b.legalName} («${b.name}»)` : b.name;
  const where = b.address ? `, con domicilio en ${b.address},` : '';
  return [
    'AVISO DE PRIVACIDAD SIMPLIFICADO',
    '',
    `${who}${where} es responsable del tratamiento de los datos personales que nos proporcionas.`,
    '',
    'Datos que recabamos: nombre, teléfono, correo electrónico, domicilio de entrega y, si pides factura, tus datos fiscales (RFC, nombre o razón social, régimen fiscal, código postal y uso del CFDI).',
    '',
    'Los usamos para: atender y entregar tus pedidos, emitir tus comprobantes fiscales (CFDI), gestionar devoluciones y garantías, y contactarte sobre tus compras. Solo si nos das tu consentimiento por separado, para enviarte promociones; puedes retirarlo en cualquier momento.',
    '',
    'No vendemos tus datos. Los compartimos solo con el proveedor autorizado de certificación (PAC) y el SAT para timbrar tus facturas, y con quien entregue tu pedido, cuando aplique.',
    '',
    'Puedes ejercer tus derechos de acceso, rectificación, cancelación u oposición (ARCO) en cualquiera de nuestras tiendas o por el mismo medio por el que nos contactaste; te responderemos en un máximo de 20 días hábiles. Las ventas y facturas se conservan el tiempo que exige la ley fiscal.',
    '',
    'Cualquier cambio a este aviso se publicará en esta misma página.',
  ].join('\n');
}
