import { formatDate, formatMoney } from './format';

/**
 * A click-to-chat link (wa.me) that opens WhatsApp on the shop's phone or computer with the
 * message written, for the person to send: no WhatsApp Business API needed. `phone` is E.164
 * (+52…); wa.me wants the digits alone.
 */
export function whatsappLink(phone: string, text: string): string {
  return `https://wa.me/${phone.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
}

/** The reminder of a debt on account, in the shop's words (es-MX: it goes to the customer). */
export function debtReminderText(input: {
  name: string;
  business: string;
  balance: string;
  since: string | null;
}): string {
  const first = input.name.trim().split(/\s+/)[0] ?? '';
  const since = input.since ? ` desde el ${formatDate(input.since)}` : '';
  return (
    `Hola${first ? ` ${first}` : ''}, le saludamos de ${input.business}. ` +
    `Le recordamos que su cuenta tiene un saldo de ${formatMoney(input.balance)}${since}. ` +
    'Puede pasar a abonar cuando guste. ¡Gracias!'
  );
}
