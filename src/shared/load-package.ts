/** The packages the server bundle leaves outside (see `external` in src/build-if-stale.mjs) and loads on use. */
interface OutsidePackages {
  '@electric-sql/pglite': typeof import('@electric-sql/pglite');
  '@electric-sql/pglite/contrib/pg_trgm': typeof import('@electric-sql/pglite/contrib/pg_trgm');
  '@scalar/fastify-api-reference': typeof import('@scalar/fastify-api-reference');
  exceljs: { default: typeof import('exceljs') };
}

/**
 * `import()` of a package the server bundle leaves outside. `npm start` runs the bundle from V8's
 * code cache (see src/start.mjs), and a script compiled from that cache cannot run `import()`
 * itself (Node answers ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING): the launcher lends its own as
 * `globalThis.__mostradorImport`. Elsewhere (tests, the CLI under tsx) this is a plain `import()`.
 */
export function loadPackage<K extends keyof OutsidePackages>(specifier: K): Promise<OutsidePackages[K]> {
  const lent = (globalThis as { __mostradorImport?: (s: string) => Promise<unknown> }).__mostradorImport;
  return (lent ? lent(specifier) : import(specifier)) as Promise<OutsidePackages[K]>;
}
