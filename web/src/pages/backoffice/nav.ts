import type { MessageKey } from '../../lib/i18n';

export interface NavItem {
  to: string;
  label: MessageKey;
  /** Owner-only sections are hidden from managers. */
  ownerOnly?: boolean;
}

/** The back office menu; each page added under /admin gets one entry here. */
export const backOfficeNav: NavItem[] = [{ to: '/admin', label: 'admin.nav.home' }];
