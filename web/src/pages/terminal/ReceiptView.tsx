import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useT } from '../../lib/i18n';
import type { ReceiptModel } from '../../printing/receipt-model';

/** The receipt on screen (and on paper through the browser's print dialog). */
export function ReceiptView({ r, paper }: { r: ReceiptModel; paper: 58 | 80 }) {
  const t = useT();
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    QRCode.toDataURL(r.invoiceUrl, { margin: 1, width: 160, errorCorrectionLevel: 'M' })
      .then(setQr)
      .catch(() => setQr(null));
  }, [r.invoiceUrl]);
  return (
    <div className={`receipt paper-${paper}`} data-testid="receipt">
      <div className="center">
        <strong className="r-business">{r.businessName}</strong>
        {r.legalName && r.legalName !== r.businessName && <div>{r.legalName}</div>}
        {r.rfc && <div>RFC {r.rfc}</div>}
        {r.regimenFiscal && (
          <div>
            {t('receipt.regimen')} {r.regimenFiscal}
          </div>
        )}
        <div>{r.locationName}</div>
        {r.locationAddress && <div>{r.locationAddress}</div>}
      </div>
      <div className="r-pair">
        <span>
          {r.date} {r.time}
        </span>
        <span data-testid="receipt-ticket">
          {r.ticketNumber ? `${t('receipt.ticket')} ${r.ticketNumber}` : t('receipt.pendingShort')}
        </span>
      </div>
      <div className="r-pair">
        <span>{r.registerName}</span>
        <span>{r.cashier}</span>
      </div>
      {r.customer && (
        <div>
          {t('receipt.customer')}: {r.customer}
        </div>
      )}
      <hr />
      {r.lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a printed receipt never reorders
        <div key={`${l.description}${i}`} className="r-line">
          <div>{l.description}</div>
          <div className="r-pair">
            <span className="muted">{l.detail}</span>
            <span>{l.total}</span>
          </div>
          {l.discount && (
            <div className="r-pair">
              <span className="muted">{t('receipt.discount')}</span>
              <span>{l.discount}</span>
            </div>
          )}
        </div>
      ))}
      <hr />
      <div className="r-pair">
        <span>{t('receipt.subtotal')}</span>
        <span>{r.subtotal}</span>
      </div>
      {r.discountTotal && (
        <div className="r-pair">
          <span>{t('receipt.discount')}</span>
          <span>{r.discountTotal}</span>
        </div>
      )}
      {r.taxes.map((x) => (
        <div key={x.label} className="r-pair">
          <span>{x.label}</span>
          <span>{x.amount}</span>
        </div>
      ))}
      <div className="r-pair r-total">
        <span>{t('receipt.total')}</span>
        <span data-testid="receipt-total">{r.total}</span>
      </div>
      {r.payments.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a printed receipt never reorders
        <div key={`${p.label}${i}`} className="r-pair">
          <span>{p.label}</span>
          <span>{p.amount}</span>
        </div>
      ))}
      {r.change && (
        <div className="r-pair strong">
          <span>{t('receipt.change')}</span>
          <span>{r.change}</span>
        </div>
      )}
      {r.note && <p>{r.note}</p>}
      <div className="center r-invoice">
        {r.invoiceCode ? (
          <>
            <div>{t('receipt.invoiceHere')}</div>
            <strong data-testid="receipt-invoice-code">
              {t('receipt.invoiceCode')}: {r.invoiceCode}
            </strong>
          </>
        ) : (
          <div>{t('receipt.invoiceLater')}</div>
        )}
        {qr && <img src={qr} alt={r.invoiceUrl} width={120} height={120} data-testid="receipt-qr" />}
        <div className="small">{r.invoiceUrl}</div>
        <div>{r.footer}</div>
      </div>
    </div>
  );
}
