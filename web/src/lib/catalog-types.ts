/** A SKU as the terminal sells it (the server's SellableSku). */
export interface SellableSku {
  id: string;
  productId: string;
  sku: string;
  variantName: string;
  price: string;
  barcodes: string[];
  channels: { counter?: { available?: boolean; price?: string } };
  active: boolean;
  version: number;
  productName: string;
  claveProdServ: string;
  claveUnidad: string;
  unitName: string;
  soldByWeight: boolean;
  priceIncludesTax: boolean;
  iva: 'iva16' | 'iva8' | 'iva0' | 'exento';
  ieps: { type: 'rate' | 'quota'; value: string } | null;
  trackLots: boolean;
  imageUrls: string[];
}

/** The counter price: the channel override when there is one. */
export function counterPrice(sku: SellableSku): string {
  return sku.channels?.counter?.price ?? sku.price;
}

export function skuLabel(sku: SellableSku): string {
  return sku.variantName ? `${sku.productName} ${sku.variantName}` : sku.productName;
}
