/** Sending bytes to a receipt printer: WebUSB or Web Serial where the browser has them. */

interface UsbEndpoint {
  direction: 'in' | 'out';
  endpointNumber: number;
}
interface UsbDevice {
  open(): Promise<void>;
  selectConfiguration(n: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  transferOut(endpoint: number, data: BufferSource): Promise<unknown>;
  configuration: {
    interfaces: {
      interfaceNumber: number;
      alternate: { interfaceClass: number; endpoints: UsbEndpoint[] };
    }[];
  } | null;
  opened: boolean;
  productName?: string;
}
interface SerialPortLike {
  open(o: { baudRate: number }): Promise<void>;
  writable: WritableStream<Uint8Array> | null;
  readable: unknown;
}
interface NavigatorDevices {
  usb?: {
    requestDevice(o: { filters: { classCode?: number }[] }): Promise<UsbDevice>;
    getDevices(): Promise<UsbDevice[]>;
  };
  serial?: { requestPort(): Promise<SerialPortLike>; getPorts(): Promise<SerialPortLike[]> };
}

const nav = (): NavigatorDevices => navigator as unknown as NavigatorDevices;

export function printerSupport(): { usb: boolean; serial: boolean } {
  return { usb: !!nav().usb, serial: !!nav().serial };
}

export interface ConnectedPrinter {
  kind: 'usb' | 'serial';
  name: string;
  write(data: Uint8Array): Promise<void>;
}

let current: ConnectedPrinter | null = null;

export function connectedPrinter(): ConnectedPrinter | null {
  return current;
}

async function fromUsb(device: UsbDevice): Promise<ConnectedPrinter> {
  if (!device.opened) await device.open();
  if (!device.configuration) await device.selectConfiguration(1);
  // Printer class (7) interface with a bulk OUT endpoint.
  const iface =
    device.configuration!.interfaces.find((i) => i.alternate.interfaceClass === 7) ??
    device.configuration!.interfaces[0]!;
  await device.claimInterface(iface.interfaceNumber);
  const out = iface.alternate.endpoints.find((e) => e.direction === 'out');
  if (!out) throw new Error('La impresora USB no tiene un canal de salida.');
  return {
    kind: 'usb',
    name: device.productName ?? 'USB',
    write: async (data) => {
      await device.transferOut(out.endpointNumber, data as unknown as BufferSource);
    },
  };
}

async function fromSerial(port: SerialPortLike): Promise<ConnectedPrinter> {
  if (!port.writable) await port.open({ baudRate: 9600 });
  return {
    kind: 'serial',
    name: 'Serial',
    write: async (data) => {
      const writer = port.writable!.getWriter();
      try {
        await writer.write(data);
      } finally {
        writer.releaseLock();
      }
    },
  };
}

/** Asks the browser for a printer (the cashier picks it once; the browser remembers it). */
export async function connectPrinter(kind: 'usb' | 'serial'): Promise<ConnectedPrinter> {
  if (kind === 'usb') {
    const usb = nav().usb;
    if (!usb) throw new Error('Este navegador no permite impresoras USB (WebUSB).');
    current = await fromUsb(await usb.requestDevice({ filters: [{ classCode: 7 }] }));
  } else {
    const serial = nav().serial;
    if (!serial) throw new Error('Este navegador no permite puertos serie (Web Serial).');
    current = await fromSerial(await serial.requestPort());
  }
  return current;
}

/** A printer the cashier already allowed on this browser, reconnected without asking. */
export async function reconnectPrinter(): Promise<ConnectedPrinter | null> {
  if (current) return current;
  try {
    const usb = nav().usb;
    const [dev] = usb ? await usb.getDevices() : [];
    if (dev) {
      current = await fromUsb(dev);
      return current;
    }
    const serial = nav().serial;
    const [port] = serial ? await serial.getPorts() : [];
    if (port) {
      current = await fromSerial(port);
      return current;
    }
  } catch {
    current = null;
  }
  return null;
}

/** Offers the bytes as a file (for printing from another program, and for tests). */
export function downloadBytes(data: Uint8Array, filename: string): void {
  const blob = new Blob([data as unknown as BlobPart], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
