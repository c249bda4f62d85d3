-- Catalog search by word. A 3-letter name search through the trigram index on skus matched
-- thousands of SKUs and sorted them all; a cashier typing "coc" wants the products with a word
-- that starts with it (Coca-Cola). Each SKU's words (from its normalised search_text) are kept
-- here, so a prefix is a btree range read in the order the results are shown, and a search
-- stops after one page however many SKUs match.
--
-- Words are split at every ASCII character other than a-z and 0-9 (search_text is already lower
-- case and accent-free); other characters stay inside words. searchTerms() in
-- src/modules/catalog/search-text.ts splits queries the same way: change both together.
-- "C" collation: byte order, so a prefix range is the same on every server and on PGlite.
create table sku_search_terms (
  tenant_id text not null,
  sku_id text not null,
  term text collate "C" not null,
  -- 1 for the first word of the SKU's search_text (the product name comes first): a word the
  -- name starts with ranks before the same word further in
  ordinal int not null,
  -- the start of search_text, so SKUs with the same word come out in name order from the index
  sort_key text collate "C" not null,
  primary key (tenant_id, sku_id, term),
  foreign key (tenant_id, sku_id) references skus (tenant_id, id) on delete cascade
);
create index sku_search_terms_prefix on sku_search_terms (tenant_id, term, ordinal, sort_key, sku_id);

-- Every word a tenant's SKUs have used: a fragment inside words ("ech" in leche) is looked up
-- here through the trigram index (a few dozen words), then each word's SKUs are read from
-- sku_search_terms like a prefix. Words are only added (a renamed product can leave one that
-- no SKU has any more; it then matches nothing): deleting them would race with a concurrent
-- insert of the same word.
create table sku_search_words (
  tenant_id text not null,
  word text collate "C" not null,
  primary key (tenant_id, word)
);
create index sku_search_words_trgm on sku_search_words using gin (word gin_trgm_ops);

create function sku_search_terms_of(p_text text) returns table (term text, ordinal int)
language sql immutable as $$
  select left(w.term, 100), min(w.n)::int
  from regexp_split_to_table(p_text, '[\x01-\x2f\x3a-\x60\x7b-\x7f]+') with ordinality as w (term, n)
  where w.term <> ''
  group by left(w.term, 100)
$$;

-- Triggers keep both tables in step with search_text wherever it is written (the catalog
-- service, imports through it, raw loads such as the benchmark's). A backup restore holds
-- triggers off and loads these tables from the backup itself.
create function sku_search_terms_insert() returns trigger language plpgsql as $$
begin
  insert into sku_search_terms (tenant_id, sku_id, term, ordinal, sort_key)
  select n.tenant_id, n.id, w.term, w.ordinal, left(n.search_text, 40)
  from new_skus n cross join lateral sku_search_terms_of(n.search_text) w;
  -- in word order, so two imports adding the same new words cannot deadlock
  insert into sku_search_words (tenant_id, word)
  select distinct n.tenant_id, w.term
  from new_skus n cross join lateral sku_search_terms_of(n.search_text) w
  order by 1, 2
  on conflict do nothing;
  return null;
end $$;

create function sku_search_terms_update() returns trigger language plpgsql as $$
begin
  delete from sku_search_terms where tenant_id = new.tenant_id and sku_id = new.id;
  insert into sku_search_terms (tenant_id, sku_id, term, ordinal, sort_key)
  select new.tenant_id, new.id, w.term, w.ordinal, left(new.search_text, 40)
  from sku_search_terms_of(new.search_text) w;
  insert into sku_search_words (tenant_id, word)
  select new.tenant_id, w.term from sku_search_terms_of(new.search_text) w
  order by 2
  on conflict do nothing;
  return null;
end $$;

create trigger skus_search_terms_insert after insert on skus
  referencing new table as new_skus for each statement execute function sku_search_terms_insert();
create trigger skus_search_terms_update after update of search_text on skus
  for each row when (old.search_text is distinct from new.search_text)
  execute function sku_search_terms_update();

insert into sku_search_terms (tenant_id, sku_id, term, ordinal, sort_key)
select s.tenant_id, s.id, w.term, w.ordinal, left(s.search_text, 40)
from skus s cross join lateral sku_search_terms_of(s.search_text) w;
insert into sku_search_words (tenant_id, word)
select distinct tenant_id, term from sku_search_terms;
