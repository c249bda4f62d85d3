import { useEffect, useMemo, useRef, useState } from 'react';
import { Modal } from '../../app/Modal';
import type { Sale } from '../../lib/endpoints';
import { useT } from '../../lib/i18n';
import { useLiveQuery } from '../../lib/store';
import { mexicanWhatsappDigits, receiptText } from '../../lib/whatsapp';
import { dbFor, type QueuedSale } from '../../offline/db';
import { encodeReceipt, type PaperWidth } from '../../printing/escpos';
import {
  connectPrinter,
  connectedPrinter,
  downloadBytes,
  printerSupport,
  reconnectPrinter,
} from '../../printing/printer';
import { buildReceiptModel } from '../../printing/receipt-model';
import type { ReceiptSnapshot } from './ChargeDialog';
import { ReceiptView } from './ReceiptView';
import type { TerminalConfig } from './terminal-state';

const PAPER_KEY = 'mostrador.paper';

export function usePaper(): [PaperWidth, (p: PaperWidth) => void] {
  const [paper, setPaper] = useState<PaperWidth>(localStorage.getItem(PAPER_KEY) === '58' ? 58 : 80);
  return [
    paper,
    (p) => {
      localStorage.setItem(PAPER_KEY, String(p));
      setPaper(p);
    },
  ];
}

/** After charging: the receipt, printed to the thermal printer or the browser; Enter/Esc starts the next sale. */
export function ReceiptDialog({
  tenantId,
  cfg,
  saleId,
  onClose,
}: {
  tenantId: string;
  cfg: TerminalConfig;
  saleId: string;
  onClose: () => void;
}) {
  const t = useT();
  const [paper, setPaper] = usePaper();
  const [status, setStatus] = useState<string | null>(null);
  const row = useLiveQuery(
    () => dbFor(tenantId).outbox.get(saleId),
    [tenantId, saleId],
    undefined as QueuedSale | undefined,
  );
  const model = useMemo(
    () =>
      row
        ? buildReceiptModel({
            snapshot: row.receipt as unknown as ReceiptSnapshot,
            sale: (row.result as unknown as Sale | null) ?? null,
            business: cfg.business,
            locationName: cfg.location.name,
            locationAddress: cfg.location.address,
            origin: window.location.origin,
          })
        : null,
    [row, cfg],
  );
  const bytes = useMemo(() => (model ? encodeReceipt(model, paper) : null), [model, paper]);
  const support = printerSupport();
  const nextRef = useRef<HTMLButtonElement>(null);
  // After printing or downloading, Enter means "next sale" again: focus goes back to that button
  // at once (a cashier's Enter right after the click must not download twice), and once more
  // after the browser's own dialogs (print, printer permission) have let go of it.
  const refocus = () => {
    nextRef.current?.focus();
    setTimeout(() => nextRef.current?.focus(), 0);
  };

  useEffect(() => {
    void reconnectPrinter();
  }, []);

  async function print() {
    refocus();
    if (!bytes) return;
    const printer = connectedPrinter() ?? (await reconnectPrinter());
    if (printer) {
      try {
        await printer.write(bytes);
        setStatus(t('receipt.printed', { name: printer.name }));
        return;
      } catch (err) {
        setStatus(err instanceof Error ? err.message : String(err));
      }
    }
    window.print();
  }

  async function connect(kind: 'usb' | 'serial') {
    refocus();
    try {
      const p = await connectPrinter(kind);
      setStatus(t('receipt.connected', { name: p.name }));
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err));
    }
  }

  const fileName = model ? `ticket-${model.ticketNumber ?? model.saleId}-${paper}mm.bin` : 'ticket.bin';
  return (
    <Modal title={t('receipt.title')} onClose={onClose} wide className="receipt-modal">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: Enter = next sale, Ctrl+P = print, anywhere in the dialog */}
      <div
        className="receipt-layout"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.target as HTMLElement).tagName !== 'BUTTON') {
            e.preventDefault();
            onClose();
          }
          if (e.key === 'F5' || (e.ctrlKey && e.key === 'p')) {
            e.preventDefault();
            void print();
          }
        }}
      >
        <div className="print-area">{model && <ReceiptView r={model} paper={paper} />}</div>
        <div className="stack receipt-actions">
          {row?.status === 'sent' ? (
            <p className="ok-box" data-testid="receipt-status">
              {t('receipt.recorded')}
            </p>
          ) : (
            <p className="info" data-testid="receipt-status">
              {t('receipt.queued')}
            </p>
          )}
          <div className="row">
            <label className="check">
              <input type="radio" name="paper" checked={paper === 58} onChange={() => setPaper(58)} /> 58 mm
            </label>
            <label className="check">
              <input type="radio" name="paper" checked={paper === 80} onChange={() => setPaper(80)} /> 80 mm
            </label>
          </div>
          <button type="button" className="primary" onClick={() => void print()}>
            {t('receipt.print')} <kbd>Ctrl+P</kbd>
          </button>
          {support.usb && (
            <button type="button" onClick={() => void connect('usb')}>
              {t('receipt.connectUsb')}
            </button>
          )}
          {support.serial && (
            <button type="button" onClick={() => void connect('serial')}>
              {t('receipt.connectSerial')}
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              if (bytes) downloadBytes(bytes, fileName);
              refocus();
            }}
            data-testid="download-escpos"
          >
            {t('receipt.download', { n: bytes?.length ?? 0 })}
          </button>
          {model && row ? (
            <WhatsappReceipt
              text={receiptText(model)}
              phone={(row.receipt as unknown as ReceiptSnapshot).customer?.phone ?? ''}
            />
          ) : null}
          {status && <p className="muted">{status}</p>}
          <button type="button" className="big" onClick={onClose} data-autofocus ref={nextRef}>
            {t('receipt.next')} <kbd>Enter</kbd>
          </button>
        </div>
      </div>
    </Modal>
  );
}

/**
 * The ticket sent to the customer's WhatsApp from this computer's WhatsApp (wa.me: it opens with
 * the message written, for the cashier to send): the ticket's customer's phone, or one typed.
 */
export function WhatsappReceipt({ text, phone }: { text: string; phone: string }) {
  const t = useT();
  const [typed, setTyped] = useState(phone);
  // the customer's phone may arrive after the first render (read from the server)
  useEffect(() => setTyped(phone), [phone]);
  const digits = mexicanWhatsappDigits(typed);
  const href = digits ? `https://wa.me/${digits}?text=${encodeURIComponent(text)}` : undefined;
  return (
    <div className="row" data-testid="receipt-whatsapp">
      <input
        type="tel"
        aria-label={t('receipt.whatsappPhone')}
        placeholder={t('receipt.whatsappPhone')}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        // Enter here sends the ticket, not "next sale"
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          e.stopPropagation();
          if (href) window.open(href, '_blank', 'noopener');
        }}
      />
      <a
        className={`button${href ? '' : ' disabled'}`}
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        aria-disabled={!href}
        data-testid="receipt-whatsapp-link"
      >
        {t('receipt.whatsapp')}
      </a>
    </div>
  );
}
