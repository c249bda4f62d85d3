-- What a SKU cost at each of its versions, so a sale priced by a till from its own copy of the
-- catalog (offline, or before a price change reached it) is recorded at the prices the customer
-- paid. A version is a SKU's price, channel prices and taxes as they stood from `valid_from`
-- until the next version's `valid_from`; triggers on skus write one row per new version, so
-- every way a price changes (the API, the CSV import, a product's taxes) is covered.
create table sku_price_versions (
  tenant_id text not null,
  sku_id text not null,
  version int not null,
  price numeric(14, 2) not null,
  channels jsonb not null,
  price_includes_tax boolean not null,
  iva text not null,
  ieps_type text not null,
  ieps_value numeric(12, 6),
  active boolean not null,
  valid_from timestamptz not null,
  primary key (tenant_id, sku_id, version),
  foreign key (tenant_id, sku_id) references skus (tenant_id, id) on delete cascade
);

-- Each SKU's current version as a row of sku_price_versions: what the triggers, this
-- migration's backfill and a restore (src/backup) write.
create view sku_price_now as
select s.tenant_id, s.id as sku_id, s.version, s.price, s.channels, p.price_includes_tax, p.iva,
       p.ieps_type, p.ieps_value, s.active and p.active as active, s.updated_at as valid_from
  from skus s
  join products p on p.tenant_id = s.tenant_id and p.id = s.product_id;

create function sku_price_versions_insert() returns trigger language plpgsql as $$
begin
  insert into sku_price_versions
  select v.* from sku_price_now v join new_skus n on n.tenant_id = v.tenant_id and n.id = v.sku_id
  on conflict do nothing;
  return null;
end $$;

create function sku_price_versions_update() returns trigger language plpgsql as $$
begin
  insert into sku_price_versions
  select v.* from sku_price_now v
    join new_skus n on n.tenant_id = v.tenant_id and n.id = v.sku_id
    join old_skus o on o.tenant_id = n.tenant_id and o.id = n.id
   where n.version is distinct from o.version
  on conflict do nothing;
  return null;
end $$;

create trigger skus_price_versions_insert after insert on skus
  referencing new table as new_skus for each statement execute function sku_price_versions_insert();
create trigger skus_price_versions_update after update on skus
  referencing old table as old_skus new table as new_skus
  for each statement execute function sku_price_versions_update();

insert into sku_price_versions select * from sku_price_now;
