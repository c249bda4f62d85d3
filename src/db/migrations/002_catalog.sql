-- Catalog: categories, products, their SKUs (variants) and barcodes.
create table categories (
  tenant_id text not null references tenants (id),
  id text not null,
  name text not null,
  parent_id text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index categories_name_key on categories (tenant_id, lower(name));

create table products (
  tenant_id text not null references tenants (id),
  id text not null,
  name text not null,
  description text,
  category_id text,
  clave_prod_serv text not null,
  clave_unidad text not null,
  unit_name text not null default 'Pieza',
  sold_by_weight boolean not null default false,
  price_includes_tax boolean not null default true,
  -- iva16, iva8 (border zone), iva0 or exento
  iva text not null check (iva in ('iva16', 'iva8', 'iva0', 'exento')),
  -- IEPS: none, a rate (0.080000) or a quota per unit (pesos per litre, per cigarette…)
  ieps_type text not null default 'none' check (ieps_type in ('none', 'rate', 'quota')),
  ieps_value numeric(12, 6),
  image_urls text[] not null default '{}',
  track_lots boolean not null default false,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, category_id) references categories (tenant_id, id),
  check ((ieps_type = 'none') = (ieps_value is null))
);

create table skus (
  tenant_id text not null,
  id text not null,
  product_id text not null,
  sku text not null,
  -- variant label, e.g. "Talla M / Rojo"; empty for a product with one SKU
  variant_name text not null default '',
  attributes jsonb not null default '{}',
  price numeric(14, 2) not null check (price >= 0),
  cost numeric(14, 4),
  -- per channel: {"whatsapp": {"available": true, "price": "17.00"}, "online": {"available": false}}
  channels jsonb not null default '{}',
  reorder_point numeric(14, 3),
  active boolean not null default true,
  -- product name + variant + sku + barcodes, lower case without accents (see catalog.search)
  search_text text not null,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, product_id) references products (tenant_id, id)
);
create unique index skus_sku_key on skus (tenant_id, lower(sku));
create index skus_product on skus (tenant_id, product_id);
create index skus_search_trgm on skus using gin (search_text gin_trgm_ops);

create table barcodes (
  tenant_id text not null,
  code text not null,
  sku_id text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, code),
  foreign key (tenant_id, sku_id) references skus (tenant_id, id) on delete cascade
);
create index barcodes_sku on barcodes (tenant_id, sku_id);
