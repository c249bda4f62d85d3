import type { Role } from '../../app/auth';

export interface NavItem {
  to: string;
  /** [es-MX, en] */
  label: [string, string];
  /** Who sees it; owner and manager when not said. */
  roles?: Role[];
}

const OWNER: Role[] = ['owner'];
const ORDER_DESK: Role[] = ['owner', 'manager', 'agent'];

/** The back office menu; each page added under /admin gets one entry here. */
export const backOfficeNav: NavItem[] = [
  { to: '/admin', label: ['Inicio', 'Home'] },
  { to: '/admin/sales', label: ['Ventas', 'Sales'] },
  { to: '/admin/reports', label: ['Reportes', 'Reports'] },
  { to: '/admin/products', label: ['Productos', 'Products'] },
  { to: '/admin/stock', label: ['Existencias', 'Stock'] },
  { to: '/admin/receipts', label: ['Entradas y mermas', 'Receipts and write-offs'] },
  { to: '/admin/transfers', label: ['Traspasos', 'Transfers'] },
  { to: '/admin/counts', label: ['Conteos', 'Counts'] },
  { to: '/admin/reservations', label: ['Apartados', 'Reservations'], roles: ORDER_DESK },
  { to: '/admin/orders', label: ['Pedidos', 'Orders'], roles: ORDER_DESK },
  {
    to: '/admin/kitchen',
    label: ['Cocina y empaque', 'Kitchen and packing'],
    roles: ['owner', 'manager', 'kitchen'],
  },
  { to: '/admin/customers', label: ['Clientes', 'Customers'], roles: ORDER_DESK },
  { to: '/admin/receivables', label: ['Cuentas por cobrar', 'Receivables'] },
  { to: '/admin/privacy', label: ['Privacidad (ARCO)', 'Privacy (ARCO)'] },
  { to: '/admin/invoicing', label: ['Facturación', 'Invoicing'] },
  { to: '/admin/sale-conflicts', label: ['Ventas en conflicto', 'Sale conflicts'] },
  { to: '/admin/cash', label: ['Cajas y cortes', 'Registers'] },
  { to: '/admin/users', label: ['Usuarios', 'Users'] },
  { to: '/admin/audit', label: ['Bitácora', 'Audit log'], roles: OWNER },
  { to: '/admin/integrations', label: ['Integraciones', 'Integrations'], roles: OWNER },
  { to: '/admin/settings', label: ['Configuración', 'Settings'] },
];
