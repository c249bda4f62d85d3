/** Lower case without accents, so "cafe" finds "Café" (same normalisation for rows and queries). */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A LIKE pattern matching `q` anywhere in a stored search_text (normalised, wildcards escaped). */
export function containsPattern(q: string): string {
  return `%${normalizeSearch(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Every ASCII character but a-z and 0-9 separates words; other characters stay inside them.
// sku_search_terms_of() in src/db/migrations/015_catalog_search_terms.sql splits the stored
// search_text with the same class: change both together.
const SEPARATORS = /[^a-z0-9\u0080-\u{10FFFF}]+/u;
const MAX_TERM = 100;

/**
 * The distinct words of a text as the search index keeps them ("Coca-Cola 600 ml" → coca, cola,
 * 600, ml), in order of first appearance; each is cut at 100 characters as in the index.
 */
export function searchTerms(text: string): string[] {
  const words = normalizeSearch(text)
    .split(SEPARATORS)
    .filter((w) => w !== '')
    .map((w) => Array.from(w).slice(0, MAX_TERM).join(''));
  return [...new Set(words)];
}
