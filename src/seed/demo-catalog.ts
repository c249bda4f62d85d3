/**
 * The demo business's catalog: about 200 products a Mexican abarrotes sells, with SAT keys
 * (each one is in c_ClaveProdServ; the seed's test checks them through the catalog service),
 * SAT units, IVA and IEPS as the law puts them:
 * - IVA 0 % on food and medicines (LIVA art. 2-A), 16 % on drinks other than milk, cleaning,
 *   hygiene, beer; bottled water under 10 L is 16 %, a 20 L garrafón 0 %.
 * - Newspapers and magazines are exento (LIVA art. 9, fr. III).
 * - IEPS on flavoured drinks with added sugar: a quota per litre (LIEPS art. 2, I, G). We use
 *   $1.6451 per litre, the 2025 figure, expressed per unit sold: 600 ml → 0.987060. Check the
 *   current year's quota (it is updated every January) before using these in production.
 * - IEPS 8 % on high-calorie foods, ≥ 275 kcal per 100 g (LIEPS art. 2, I, J): botanas,
 *   dulces, chocolates, galletas and pan dulce.
 * - IEPS 26.5 % on beer (alcohol content up to 14 °GL, LIEPS art. 2, I, A).
 */

export type DemoIeps = { type: 'rate' | 'quota'; value: string } | null;

export interface DemoProduct {
  key: string;
  name: string;
  price: string;
  clave: string;
  unit: string;
  unitName?: string;
  iva: 'iva16' | 'iva8' | 'iva0' | 'exento';
  ieps: DemoIeps;
  category: string;
  /** How often it sells, relative: refrescos and tortillas sell far more than a frying pan. */
  weight: number;
  soldByWeight?: boolean;
  trackLots?: boolean;
  cost?: string;
  reorderPoint?: string;
  /** Units in the warehouse when it is not twice the store's: a few run low, to be reordered. */
  warehouseStock?: number;
  variants?: { suffix: string; name: string; attributes: Record<string, string> }[];
}

/** The sugary-drink quota for a container of `ml` millilitres, six decimals (half-up). */
export function drinkQuota(ml: number): string {
  // 1.6451 × ml / 1000 in integer ten-millionths, then rounded to six places.
  const tenMillionths = 16451 * ml; // 1.6451 = 16451 / 10^4, ml / 10^3 → / 10^7
  const sixPlaces = Math.floor((tenMillionths + 5) / 10);
  const s = String(sixPlaces).padStart(7, '0');
  return `${s.slice(0, -6)}.${s.slice(-6)}`;
}

const q = (ml: number): DemoIeps => ({ type: 'quota', value: drinkQuota(ml) });
const ieps8: DemoIeps = { type: 'rate', value: '0.080000' };
const beer: DemoIeps = { type: 'rate', value: '0.265000' };

type Row = [
  name: string,
  price: string,
  clave: string,
  unit: string,
  weight: number,
  extra?: Partial<DemoProduct>,
];

function family(category: string, iva: DemoProduct['iva'], ieps: DemoIeps, rows: Row[]): DemoProduct[] {
  return rows.map(([name, price, clave, unit, weight, extra]) => ({
    key: '',
    name,
    price,
    clave,
    unit,
    iva,
    ieps,
    category,
    weight,
    ...extra,
  }));
}

const drinks: DemoProduct[] = [
  ...family('Refrescos y bebidas', 'iva16', null, [
    ['Coca-Cola 600 ml', '18.00', '50202306', 'H87', 40, { ieps: q(600), reorderPoint: '24' }],
    ['Coca-Cola 355 ml lata', '15.00', '50202306', 'H87', 12, { ieps: q(355) }],
    ['Coca-Cola 2 L', '38.00', '50202306', 'H87', 18, { ieps: q(2000), reorderPoint: '12' }],
    ['Coca-Cola 3 L', '52.00', '50202306', 'H87', 10, { ieps: q(3000) }],
    ['Coca-Cola 500 ml vidrio retornable', '14.00', '50202306', 'H87', 10, { ieps: q(500) }],
    ['Coca-Cola Sin Azúcar 600 ml', '18.00', '50202306', 'H87', 6],
    ['Pepsi 600 ml', '17.00', '50202306', 'H87', 8, { ieps: q(600) }],
    ['Pepsi 2 L', '34.00', '50202306', 'H87', 5, { ieps: q(2000) }],
    ['Sprite 600 ml', '16.50', '50202306', 'H87', 6, { ieps: q(600) }],
    ['Fanta Naranja 600 ml', '16.50', '50202306', 'H87', 6, { ieps: q(600) }],
    ['Sidral Mundet 600 ml', '17.00', '50202306', 'H87', 5, { ieps: q(600) }],
    ['Jarritos Tamarindo 600 ml', '15.00', '50202306', 'H87', 5, { ieps: q(600) }],
    ['Jarritos Mandarina 600 ml', '15.00', '50202306', 'H87', 4, { ieps: q(600) }],
    ['Squirt 600 ml', '16.00', '50202306', 'H87', 4, { ieps: q(600) }],
    ['Manzanita Sol 600 ml', '16.00', '50202306', 'H87', 4, { ieps: q(600) }],
    ['Peñafiel Mineral 600 ml', '15.00', '50202310', 'H87', 4],
    ['Topo Chico 355 ml', '16.00', '50202310', 'H87', 4],
    ['Boing Mango 500 ml', '14.00', '50202304', 'H87', 6, { ieps: q(500) }],
    ['Boing Guayaba 500 ml', '14.00', '50202304', 'H87', 5, { ieps: q(500) }],
    ['Jumex Néctar de Durazno 335 ml', '15.50', '50202304', 'H87', 5, { ieps: q(335) }],
    ['Del Valle Naranja 1 L', '29.00', '50202304', 'H87', 4, { ieps: q(1000) }],
    ['Gatorade Lima-Limón 600 ml', '24.00', '50202306', 'H87', 5, { ieps: q(600) }],
    ['Powerade Moras 600 ml', '22.00', '50202306', 'H87', 3, { ieps: q(600) }],
    ['Agua Ciel 1 L', '12.00', '50202301', 'H87', 10],
    ['Agua Bonafont 1.5 L', '15.00', '50202301', 'H87', 8],
    ['Agua Epura 600 ml', '10.00', '50202301', 'H87', 10],
    ['Nescafé Clásico 120 g', '89.00', '50201709', 'H87', 3, { iva: 'iva0' }],
    ['Café Legal 200 g', '68.00', '50201706', 'H87', 2, { iva: 'iva0' }],
    ['Chocomilk 400 g', '49.50', '50202307', 'H87', 2, { iva: 'iva0', ieps: ieps8 }],
    ['Té Lipton Manzanilla 20 sobres', '32.00', '50201710', 'H87', 1, { iva: 'iva0' }],
  ]),
  // A 20 L garrafón is IVA 0 % (LIVA art. 2-A, I, b: agua no gaseosa en envases de 10 L o más).
  ...family('Refrescos y bebidas', 'iva0', null, [
    ['Garrafón de agua Epura 20 L', '45.00', '50202301', 'H87', 6],
  ]),
];

const snacks = family('Botanas y dulces', 'iva0', ieps8, [
  ['Sabritas Original 45 g', '19.00', '50192109', 'H87', 15, { reorderPoint: '20', warehouseStock: 12 }],
  ['Sabritas Limón 45 g', '19.00', '50192109', 'H87', 10],
  ['Ruffles Queso 50 g', '20.00', '50192109', 'H87', 8],
  ['Doritos Nacho 58 g', '20.00', '50192100', 'H87', 12],
  ['Cheetos Torciditos 52 g', '15.00', '50192100', 'H87', 10],
  ['Tostitos Salsa Verde 62 g', '20.00', '50192100', 'H87', 6],
  ['Takis Fuego 62 g', '21.00', '50192100', 'H87', 12],
  ['Churrumais 55 g', '12.00', '50192100', 'H87', 6],
  ['Cacahuates Japoneses Mafer 100 g', '22.00', '50192100', 'H87', 4],
  ['Palomitas Act II Mantequilla 80 g', '18.00', '50192100', 'H87', 3],
  ['Gansito Marinela 50 g', '17.00', '50181900', 'H87', 10],
  ['Pingüinos Marinela 80 g', '22.00', '50181900', 'H87', 6],
  ['Submarinos Marinela Fresa 105 g', '19.50', '50181900', 'H87', 4],
  ['Mantecadas Bimbo 4 piezas', '34.00', '50181900', 'H87', 4],
  ['Galletas Marías Gamesa 170 g', '18.00', '50181905', 'H87', 6],
  ['Galletas Emperador Chocolate 109 g', '19.00', '50181905', 'H87', 6],
  ['Galletas Príncipe 106 g', '18.50', '50181905', 'H87', 5],
  ['Galletas Chokis 76 g', '17.00', '50181905', 'H87', 5],
  ['Carlos V 20 g', '9.00', '50161813', 'H87', 8],
  ['Kinder Delice 39 g', '16.00', '50161813', 'H87', 4],
  ['Chocolate Abuelita 90 g', '24.00', '50161813', 'H87', 3],
  ['Mazapán De la Rosa 28 g', '6.00', '50161800', 'H87', 10],
  ['Paleta Payaso 45 g', '14.00', '50161800', 'H87', 5],
  ['Pulparindo 14 g', '4.00', '50161800', 'H87', 8],
  ['Duvalín Avellana Vainilla 15 g', '5.00', '50161800', 'H87', 6],
  ['Lucas Muecas Chamoy', '9.00', '50161800', 'H87', 5],
  ['Bubulubu 35 g', '9.50', '50161813', 'H87', 4],
  ['Chicles Trident Menta 12 piezas', '14.00', '50161815', 'H87', 4],
  ['Halls Negras 25 g', '12.00', '50161800', 'H87', 4],
  ['Obleas de cajeta Coronado 6 piezas', '18.00', '50161800', 'H87', 2],
]);

const bakery = [
  ...family('Panadería y tortillería', 'iva0', null, [
    ['Pan Blanco Bimbo Grande 680 g', '52.00', '50181900', 'H87', 12, { reorderPoint: '8' }],
    ['Pan Integral Bimbo 620 g', '56.00', '50181900', 'H87', 5],
    ['Medias Noches Bimbo 8 piezas', '44.00', '50181900', 'H87', 3],
    ['Tortillinas Tía Rosa 10 piezas', '29.00', '50221300', 'H87', 5],
    ['Tostadas Charras 300 g', '36.00', '50221300', 'H87', 4],
    ['Bolillo pieza', '3.00', '50181900', 'H87', 20],
    ['Tortilla de maíz kg', '24.00', '50221300', 'KGM', 30, { soldByWeight: true }],
  ]),
  ...family('Panadería y tortillería', 'iva0', ieps8, [
    ['Concha de vainilla pieza', '10.00', '50181900', 'H87', 6],
    ['Donas Bimbo 4 piezas', '30.00', '50181900', 'H87', 4],
    ['Roles de canela Bimbo 6 piezas', '42.00', '50181900', 'H87', 2],
  ]),
];

const dairy = family('Lácteos y huevo', 'iva0', null, [
  [
    'Leche Lala Entera 1 L',
    '28.50',
    '50131702',
    'LTR',
    22,
    { trackLots: true, unitName: 'Litro', reorderPoint: '24' },
  ],
  ['Leche Lala Deslactosada 1 L', '30.00', '50131702', 'LTR', 10, { trackLots: true, unitName: 'Litro' }],
  ['Leche Alpura Clásica 1 L', '29.00', '50131702', 'LTR', 8, { trackLots: true, unitName: 'Litro' }],
  ['Leche Nido Kinder 800 g', '189.00', '50131704', 'H87', 1],
  ['Yoghurt Lala Fresa 1 kg', '44.00', '50131701', 'H87', 4, { trackLots: true }],
  ['Danonino Fresa 4 piezas', '32.00', '50131701', 'H87', 4, { trackLots: true }],
  ['Crema Lala 450 ml', '39.00', '50131701', 'H87', 4, { trackLots: true }],
  ['Queso Panela Lala 400 g', '72.00', '50131800', 'H87', 3, { trackLots: true }],
  ['Queso Oaxaca kg', '165.00', '50131801', 'KGM', 3, { soldByWeight: true }],
  ['Mantequilla Gloria 90 g', '26.00', '50131700', 'H87', 2],
  [
    'Huevo blanco San Juan 12 piezas',
    '52.00',
    '50131600',
    'H87',
    12,
    { reorderPoint: '10', warehouseStock: 6 },
  ],
  ['Huevo blanco 18 piezas', '74.00', '50131600', 'H87', 6],
  ['Huevo a granel kg', '46.00', '50131600', 'KGM', 8, { soldByWeight: true }],
]);

const pantry = family('Abarrotes', 'iva0', null, [
  ['Harina de maíz Maseca 1 kg', '24.00', '50221300', 'H87', 10, { reorderPoint: '10' }],
  ['Harina de trigo Selecta 1 kg', '26.00', '50221002', 'H87', 3],
  ['Frijol negro Verde Valle 900 g', '42.00', '50401800', 'H87', 6],
  ['Frijol pinto a granel kg', '38.00', '50401800', 'KGM', 6, { soldByWeight: true }],
  ['Arroz Verde Valle 900 g', '32.00', '50221101', 'H87', 6],
  ['Arroz a granel kg', '29.00', '50221101', 'KGM', 6, { soldByWeight: true }],
  ['Azúcar estándar a granel kg', '31.00', '50161509', 'KGM', 8, { soldByWeight: true }],
  ['Azúcar Zulka 1 kg', '36.00', '50161509', 'H87', 4],
  ['Aceite Nutrioli 850 ml', '48.00', '50151513', 'H87', 6],
  ['Aceite 1-2-3 1 L', '44.00', '50151513', 'H87', 5],
  ['Sal La Fina 1 kg', '16.00', '50171551', 'H87', 3],
  ['Sopa de pasta La Moderna Fideo 200 g', '9.50', '50192900', 'H87', 8],
  ['Spaghetti La Moderna 200 g', '10.50', '50192900', 'H87', 5],
  ['Sopa Maruchan Camarón 64 g', '16.00', '50191507', 'H87', 10],
  ['Atún Dolores en agua 140 g', '24.50', '50467007', 'H87', 6],
  ['Atún Tuny en aceite 140 g', '21.00', '50467007', 'H87', 4],
  ['Sardinas Guaymex en tomate 425 g', '38.00', '50121538', 'H87', 2],
  ['Frijoles refritos La Costeña 430 g', '22.00', '50461800', 'H87', 5],
  ['Chiles jalapeños La Costeña 220 g', '19.00', '50171901', 'H87', 5],
  ['Chipotles San Marcos 105 g', '17.50', '50171901', 'H87', 3],
  ['Mayonesa McCormick 390 g', '46.00', '50171830', 'H87', 4],
  ['Salsa Valentina 370 ml', '19.00', '50171830', 'H87', 5],
  ['Salsa Maggi 100 ml', '38.00', '50171830', 'H87', 2],
  ['Puré de tomate Del Fuerte 210 g', '9.00', '50171830', 'H87', 5],
  ['Consomé Knorr Suiza 12 cubos', '22.00', '50171830', 'H87', 4],
  ['Mole Doña María 235 g', '52.00', '50171830', 'H87', 2],
  ['Mermelada McCormick Fresa 270 g', '38.00', '50192401', 'H87', 2],
  ['Avena Quaker 400 g', '33.00', '50221201', 'H87', 3],
  ['Corn Flakes Kellogg’s 500 g', '62.00', '50221201', 'H87', 3],
  ['Zucaritas Kellogg’s 490 g', '68.00', '50221201', 'H87', 3, { ieps: ieps8 }],
  ['Gelatina D’Gari Fresa 120 g', '11.00', '50192301', 'H87', 3],
  ['Canela en raja 30 g', '18.00', '50171550', 'H87', 2],
  ['Galletas Saladitas Gamesa 137 g', '17.00', '50181903', 'H87', 4],
]);

const produce = family('Frutas y verduras', 'iva0', null, [
  ['Jitomate saladet kg', '32.00', '50406500', 'KGM', 18],
  ['Cebolla blanca kg', '28.00', '50405300', 'KGM', 14],
  ['Papa blanca kg', '34.00', '50405700', 'KGM', 10],
  ['Aguacate Hass kg', '78.00', '50401700', 'KGM', 10],
  ['Limón sin semilla kg', '36.00', '50304100', 'KGM', 14],
  ['Plátano Tabasco kg', '24.00', '50301700', 'KGM', 10],
  ['Manzana Red Delicious kg', '48.00', '50301500', 'KGM', 6],
  ['Naranja para jugo kg', '18.00', '50305000', 'KGM', 8],
  ['Zanahoria kg', '18.00', '50402500', 'KGM', 6],
  ['Chile serrano kg', '42.00', '50405600', 'KGM', 8],
  ['Chile jalapeño kg', '38.00', '50405600', 'KGM', 6],
  ['Pepino kg', '22.00', '50307024', 'KGM', 4],
  ['Papaya maradol kg', '26.00', '50305100', 'KGM', 4],
  ['Piña miel kg', '28.00', '50305600', 'KGM', 4],
  ['Mango ataulfo kg', '39.00', '50304500', 'KGM', 5],
  ['Melón chino kg', '29.00', '50304600', 'KGM', 3],
  ['Uva verde sin semilla kg', '89.00', '50303400', 'KGM', 2],
  ['Lechuga romana pieza', '18.00', '50404600', 'H87', 4, { soldByWeight: false }],
  ['Cilantro manojo', '8.00', '50404106', 'H87', 6, { soldByWeight: false }],
]).map((p) => (p.unit === 'KGM' ? { ...p, soldByWeight: true } : p));

const cleaning = family('Limpieza y hogar', 'iva16', null, [
  ['Jabón Zote Blanco 400 g', '24.50', '53131608', 'H87', 6],
  ['Detergente Roma 1 kg', '38.00', '47131811', 'H87', 6],
  ['Detergente Ariel 900 g', '54.00', '47131811', 'H87', 4],
  ['Suavitel Primavera 850 ml', '32.00', '47131811', 'H87', 4],
  ['Cloro Cloralex 950 ml', '21.00', '47131807', 'H87', 6],
  ['Pinol El Original 828 ml', '34.00', '47131801', 'H87', 4],
  ['Fabuloso Lavanda 1 L', '29.00', '47131801', 'H87', 5],
  ['Lavatrastes Axion Limón 640 ml', '36.00', '47131810', 'H87', 4],
  ['Fibra Scotch-Brite', '16.00', '47131800', 'H87', 3],
  [
    'Papel higiénico Pétalo 4 rollos',
    '39.00',
    '14111704',
    'H87',
    8,
    { reorderPoint: '12', warehouseStock: 5 },
  ],
  ['Papel higiénico Regio 12 rollos', '109.00', '14111704', 'H87', 3],
  ['Servilletas Pétalo 250 piezas', '29.00', '14111705', 'H87', 3],
  ['Bolsas para basura jumbo 10 piezas', '32.00', '47121701', 'H87', 3],
  ['Papel aluminio Reynolds 7.6 m', '34.00', '48102108', 'H87', 2],
  ['Veladora de vaso', '22.00', '25111903', 'H87', 3],
  ['Cerillos Clásicos La Central', '4.00', '12131706', 'H87', 4],
  ['Pilas Duracell AA 4 piezas', '89.00', '26111702', 'H87', 2],
  ['Foco LED 9 W', '39.00', '39101600', 'H87', 1],
  ['Croquetas Pedigree Adulto 2 kg', '129.00', '10121800', 'H87', 2],
  ['Alimento Whiskas Pollo 85 g', '15.00', '10121800', 'H87', 3],
]);

const hygiene = family('Higiene personal', 'iva16', null, [
  ['Pasta dental Colgate Triple Acción 100 ml', '34.00', '53131502', 'H87', 5],
  ['Cepillo dental Colgate Extra Clean', '25.00', '53131503', 'H87', 2],
  ['Shampoo Head & Shoulders 375 ml', '89.00', '53131628', 'H87', 2],
  ['Shampoo Sedal 620 ml', '72.00', '53131628', 'H87', 2],
  ['Jabón de tocador Palmolive 150 g', '19.00', '53131608', 'H87', 5],
  ['Jabón Escudo 150 g', '21.00', '53131608', 'H87', 4],
  ['Desodorante Rexona 150 ml', '69.00', '53131606', 'H87', 2],
  ['Toallas femeninas Saba 10 piezas', '36.00', '53131615', 'H87', 3],
  ['Pañales Huggies Etapa 3 40 piezas', '279.00', '53102305', 'H87', 2],
  ['Rastrillo Gillette Prestobarba 2 piezas', '42.00', '53131603', 'H87', 2],
  ['Papel de baño húmedo Kleen Bebé 80 piezas', '55.00', '53131600', 'H87', 1],
  ['Gel antibacterial 250 ml', '35.00', '53131627', 'H87', 2],
]);

// Medicines for people are IVA 0 % (LIVA art. 2-A, I, b).
const pharmacy = family('Farmacia', 'iva0', null, [
  ['Paracetamol 500 mg 10 tabletas', '25.00', '51142001', 'XBX', 4, { unitName: 'Caja' }],
  ['Aspirina 500 mg 20 tabletas', '48.00', '51142000', 'XBX', 2, { unitName: 'Caja' }],
  ['Sal de Uvas Picot 5 sobres', '39.00', '51171500', 'XBX', 2, { unitName: 'Caja' }],
  ['Alka-Seltzer 12 tabletas', '58.00', '51171500', 'XBX', 2, { unitName: 'Caja' }],
  ['Pomada Vick VapoRub 50 g', '69.00', '51241200', 'H87', 1],
  ['Suero oral Electrolit Fresa 625 ml', '32.00', '51191905', 'H87', 4],
]);

const beerAndTobacco = [
  ...family('Cerveza', 'iva16', beer, [
    ['Cerveza Corona Extra 355 ml', '22.00', '50202201', 'H87', 14, { reorderPoint: '24' }],
    ['Cerveza Corona Extra 6 pack 355 ml', '125.00', '50202201', 'XPK', 6, { unitName: 'Paquete' }],
    ['Cerveza Victoria 355 ml', '21.00', '50202201', 'H87', 10],
    ['Cerveza Modelo Especial 355 ml', '24.00', '50202201', 'H87', 8],
    ['Cerveza Tecate Light 473 ml', '25.00', '50202201', 'H87', 8],
    ['Cerveza Indio 1.2 L caguama', '48.00', '50202201', 'H87', 6],
    ['Cerveza XX Lager 355 ml', '23.00', '50202201', 'H87', 4],
    ['Cerveza Pacífico 355 ml', '23.00', '50202201', 'H87', 4],
  ]),
];

const deli = family('Salchichonería', 'iva0', null, [
  ['Jamón de pavo FUD kg', '169.00', '50112013', 'KGM', 5, { soldByWeight: true }],
  ['Salchicha de pavo San Rafael 500 g', '54.00', '50112013', 'H87', 4],
  ['Chorizo Peñaranda 250 g', '39.00', '50112004', 'H87', 3],
  ['Tocino Zwan 250 g', '68.00', '50112009', 'H87', 2],
]);

// Art. 9, fr. III LIVA: the sale of newspapers and magazines is exempt.
const press = family('Periódicos y revistas', 'exento', null, [
  ['Periódico La Jornada', '15.00', '55101504', 'H87', 3],
  ['Periódico Esto', '12.00', '55101504', 'H87', 2],
  ['Revista TVyNovelas', '35.00', '55101506', 'H87', 1],
]);

const apparel: DemoProduct[] = [
  {
    key: '',
    name: 'Playera La Esperanza',
    price: '149.00',
    clave: '53103000',
    unit: 'H87',
    iva: 'iva16',
    ieps: null,
    category: 'Ropa',
    weight: 1,
    variants: ['CH', 'M', 'G'].flatMap((talla) =>
      ['Blanco', 'Rojo'].map((color) => ({
        suffix: `${talla}-${color.slice(0, 3).toUpperCase()}`,
        name: `Talla ${talla} / ${color}`,
        attributes: { talla, color },
      })),
    ),
  },
  {
    key: '',
    name: 'Bolsa de mandado La Esperanza',
    price: '35.00',
    clave: '53121600',
    unit: 'H87',
    iva: 'iva16',
    ieps: null,
    category: 'Ropa',
    weight: 1,
  },
];

/** Every demo product with a stable key (used for SKUs: `LE-0001`). */
export const DEMO_PRODUCTS: DemoProduct[] = [
  ...drinks,
  ...snacks,
  ...bakery,
  ...dairy,
  ...pantry,
  ...produce,
  ...cleaning,
  ...hygiene,
  ...pharmacy,
  ...beerAndTobacco,
  ...deli,
  ...press,
  ...apparel,
].map((p, i) => ({ ...p, key: `LE-${String(i + 1).padStart(4, '0')}` }));
