import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { backupDatabase, restoreDatabase } from '../backup/backup.js';
import { backupFileName } from '../backup/schedule.js';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/database.js';
import { translateDbError } from '../db/errors.js';
import { migrate } from '../db/migrate.js';
import { parseMappingArg } from '../modules/imports/columns.js';
import {
  type CustomerImportReport,
  exportCustomers,
  importCustomers,
} from '../modules/imports/customers-import.js';
import {
  exportProducts,
  findLocation,
  type ImportReport,
  importProducts,
} from '../modules/imports/imports.service.js';
import { createBusiness, createUser, listLocations } from '../modules/identity/identity.service.js';
import type { Role } from '../modules/identity/identity.tables.js';
import { shopLocations } from '../modules/identity/setup.js';
import { checkLedger } from '../modules/inventory/inventory.service.js';
import { seedDemo } from '../seed/demo.js';
import { type Ctx, systemCtx } from '../shared/context.js';
import { AppError, messageFor } from '../shared/errors.js';

/**
 * `npm run cli -- <command>`: the database comes from DATABASE_URL (PostgreSQL) or the
 * embedded PGlite in DATA_DIR (./data), as the server uses it. Exit codes: 0 done, 1 the
 * command found a problem (rows that failed, ledger mismatches, a refused operation),
 * 2 wrong usage.
 */
class UsageError extends Error {}

async function withDatabase<T>(
  fn: (db: Database) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  if (!config.databaseUrl) mkdirSync(resolve(config.dataDir), { recursive: true });
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : resolve(config.dataDir),
    poolSize: 4,
  });
  try {
    if (opts.migrate !== false) await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** The business to act on: --tenant, or the only one there is. */
async function tenantOf(database: Database, tenant: string | undefined): Promise<string> {
  const rows = await database.db.selectFrom('tenants').select(['id', 'name']).orderBy('created_at').execute();
  if (tenant) {
    const t = rows.find((r) => r.id === tenant || r.name.toLowerCase() === tenant.toLowerCase());
    if (!t)
      throw new UsageError(
        `No existe el negocio "${tenant}". Negocios: ${rows.map((r) => `${r.id} (${r.name})`).join(', ') || 'ninguno'}.`,
      );
    return t.id;
  }
  if (rows.length === 1) return rows[0]!.id;
  if (rows.length === 0)
    throw new UsageError('No hay ningún negocio: crea uno con `create-business` o carga la demo con `seed`.');
  throw new UsageError(
    `Hay ${rows.length} negocios; indica cuál con --tenant: ${rows.map((r) => `${r.id} (${r.name})`).join(', ')}.`,
  );
}

async function ownerCtx(database: Database, tenantId: string): Promise<Ctx> {
  const owner = await database.db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'owner')
    .orderBy('created_at')
    .executeTakeFirst();
  return { ...systemCtx(database.db, tenantId), userId: owner?.id ?? null };
}

/** The summary and every row's errors and warnings of an import; `label` names a row (SKU, customer). */
function printReport(
  report: ImportReport | CustomerImportReport,
  counts: string,
  label: (row: { row: number }) => string,
): void {
  console.log(
    `\nArchivo: ${report.encoding}, separador "${report.delimiter === '\t' ? 'tabulador' : report.delimiter}", ${report.total} renglones.`,
  );
  console.log(`  ${counts}`);
  if (report.ignoredColumns.length > 0)
    console.log(`  Columnas ignoradas: ${report.ignoredColumns.join(', ')}`);
  for (const r of report.rows) {
    for (const e of r.errors)
      console.log(`  Renglón ${r.row} (${label(r)}) [${e.column || '-'}] ${e.code}: ${e.message}`);
    for (const w of r.warnings) console.log(`  Renglón ${r.row} (${label(r)}) aviso ${w.code}: ${w.message}`);
  }
  if (report.dryRun) console.log('\nSimulación (--dry-run): no se guardó nada.');
}

/** Runs an import with a progress bar on stderr (when it is a terminal). */
async function withProgressBar<T>(
  run: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const bar = new SingleBar({
    format: 'Importando [{bar}] {percentage}% | {value}/{total} renglones',
    hideCursor: true,
    clearOnComplete: true,
    stream: process.stderr,
  });
  let started = false;
  try {
    return await run((done, total) => {
      if (!started && process.stderr.isTTY) {
        bar.start(total, 0);
        started = true;
      }
      if (started) bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}

function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new UsageError(`No se pudo leer el archivo ${file}.`);
  }
}

export function buildProgram(): Command {
  const program = new Command('mostrador')
    .description('Herramientas de línea de comandos de Mostrador')
    .showHelpAfterError();

  program
    .command('migrate')
    .description('Aplica las migraciones pendientes')
    .action(async () => {
      const applied = await withDatabase((db) => migrate(db), { migrate: false });
      console.log(
        applied.length
          ? `Migraciones aplicadas: ${applied.join(', ')}`
          : 'La base de datos ya estaba al día.',
      );
    });

  program
    .command('seed')
    .description('Carga el negocio de demostración "Abarrotes La Esperanza" (no hace nada si ya existe)')
    .action(async () => {
      const t0 = performance.now();
      const r = await withDatabase((db) => seedDemo(db));
      console.log(
        r.created
          ? `Demo creada en ${Math.round(performance.now() - t0)} ms: ${r.products} SKUs, ${r.sales} ventas.`
          : 'La demo ya existía; no se cambió nada.',
      );
      console.log(
        `  Dueña:  ${r.ownerEmail} / ${r.ownerPassword}\n  Cajero: ${r.cashierEmail} / ${r.cashierPassword}`,
      );
    });

  const imp = program.command('import').description('Importa datos');
  imp
    .command('products <file>')
    .description(
      'Importa productos desde CSV: alta o actualización por SKU, existencia inicial, reporte por renglón',
    )
    .option('--tenant <id>', 'negocio (id o nombre); por omisión el único que haya')
    .option('--dry-run', 'revisa todo sin guardar nada', false)
    .option('--map <pares>', 'columna=campo separados por comas, p. ej. "Clave=sku,Precio Público=precio"')
    .option('--location <sucursal>', 'sucursal (nombre o id) para una columna "existencia" sin sucursal')
    .option('--json', 'imprime el reporte completo en JSON', false)
    .action(
      async (
        file: string,
        opts: { tenant?: string; dryRun: boolean; map?: string; location?: string; json: boolean },
      ) => {
        const content = readInputFile(file);
        const report = await withDatabase(async (db) => {
          const ctx = await ownerCtx(db, await tenantOf(db, opts.tenant));
          const defaultLocationId = opts.location
            ? findLocation(await listLocations(ctx), opts.location).id
            : undefined;
          return withProgressBar((onProgress) =>
            importProducts(ctx, {
              content,
              dryRun: opts.dryRun,
              mapping: opts.map ? parseMappingArg(opts.map) : undefined,
              defaultLocationId,
              onProgress,
            }),
          );
        });
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          const [c, u] = report.dryRun ? ['se crearían', 'se actualizarían'] : ['creados', 'actualizados'];
          printReport(
            report,
            `${c}: ${report.created}   ${u}: ${report.updated}   con errores: ${report.failed}`,
            (r) => (r as ImportReport['rows'][number]).sku || 'sin SKU',
          );
        }
        if (report.failed > 0) process.exitCode = 1;
      },
    );
  imp
    .command('customers <file>')
    .description(
      'Importa clientes desde CSV (teléfono o correo por renglón): alta o actualización, datos fiscales, límite de crédito y el saldo que ya debían (saldo, debe_desde)',
    )
    .option('--tenant <id>', 'negocio (id o nombre); por omisión el único que haya')
    .option('--dry-run', 'revisa todo sin guardar nada', false)
    .option('--map <pares>', 'columna=campo separados por comas, p. ej. "Cel.=telefono,Debe=saldo"')
    .option('--json', 'imprime el reporte completo en JSON', false)
    .action(async (file: string, opts: { tenant?: string; dryRun: boolean; map?: string; json: boolean }) => {
      const content = readInputFile(file);
      const report = await withDatabase(async (db) => {
        const ctx = await ownerCtx(db, await tenantOf(db, opts.tenant));
        return withProgressBar((onProgress) =>
          importCustomers(ctx, {
            content,
            dryRun: opts.dryRun,
            mapping: opts.map ? parseMappingArg(opts.map) : undefined,
            onProgress,
          }),
        );
      });
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else {
        const d = report.dryRun;
        printReport(
          report,
          `${d ? 'se crearían' : 'creados'}: ${report.created}   ${d ? 'se actualizarían' : 'actualizados'}: ${report.updated}   sin cambios: ${report.unchanged}   con errores: ${report.failed}\n` +
            `  Saldos iniciales ${d ? 'que se cargarían' : 'cargados'}: ${report.openingBalances} por $${report.openingTotal}`,
          (r) => {
            const c = r as CustomerImportReport['rows'][number];
            return c.name || c.phone || 'sin nombre';
          },
        );
      }
      if (report.failed > 0) process.exitCode = 1;
    });

  const exp = program.command('export').description('Exporta datos');
  exp
    .command('products')
    .description('Exporta el catálogo a CSV (UTF-8 con BOM, se abre bien en Excel)')
    .option('--tenant <id>', 'negocio (id o nombre)')
    .option('--out <file>', 'archivo de salida; por omisión la salida estándar')
    .action(async (opts: { tenant?: string; out?: string }) => {
      const csv = await withDatabase(async (db) =>
        exportProducts(await ownerCtx(db, await tenantOf(db, opts.tenant))),
      );
      if (opts.out) {
        writeFileSync(opts.out, csv);
        console.error(`Catálogo exportado a ${opts.out}.`);
      } else process.stdout.write(csv);
    });

  exp
    .command('customers')
    .description(
      'Exporta los clientes a CSV en el formato de "import customers", con lo que debe cada uno (saldo, debe_desde)',
    )
    .option('--tenant <id>', 'negocio (id o nombre)')
    .option('--out <file>', 'archivo de salida; por omisión la salida estándar')
    .action(async (opts: { tenant?: string; out?: string }) => {
      const csv = await withDatabase(async (db) =>
        exportCustomers(await ownerCtx(db, await tenantOf(db, opts.tenant))),
      );
      if (opts.out) {
        writeFileSync(opts.out, csv);
        console.error(`Clientes exportados a ${opts.out}.`);
      } else process.stdout.write(csv);
    });

  program
    .command('backup')
    .description('Respalda toda la base de datos (PGlite o PostgreSQL) en un archivo .ndjson.gz')
    .option('--out <file>', 'archivo de salida', '')
    .action(async (opts: { out: string }) => {
      const file = resolve(opts.out || backupFileName(new Date()));
      const r = await withDatabase((db) => backupDatabase(db, file));
      console.log(
        `Respaldo listo: ${r.file} (${r.tables} tablas, ${r.rows} renglones, migraciones hasta ${r.migrations.at(-1)}).`,
      );
    });

  program
    .command('restore <file>')
    .description('Restaura un respaldo en una base de datos vacía (PGlite o PostgreSQL)')
    .option('--force', 'reemplaza los datos de una base que ya tiene negocios', false)
    .action(async (file: string, opts: { force: boolean }) => {
      const r = await withDatabase((db) => restoreDatabase(db, resolve(file), { force: opts.force }));
      console.log(`Respaldo restaurado: ${r.tables} tablas, ${r.rows} renglones.`);
    });

  program
    .command('check-ledger')
    .description('Comprueba que la suma del kardex (stock_movements) cuadre con las existencias')
    .action(async () => {
      const mismatches = await withDatabase((db) => checkLedger(db.db));
      if (mismatches.length === 0) {
        console.log('El kardex cuadra: cada existencia es igual a la suma de sus movimientos.');
        return;
      }
      console.log(`${mismatches.length} diferencias entre el kardex y las existencias:`);
      console.table(
        mismatches.map((m) => ({
          negocio: m.tenantId,
          sku: m.skuId,
          sucursal: m.locationId,
          existencia: m.onHand,
          kardex: m.ledgerSum,
          apartado: m.reserved,
          apartados_activos: m.activeReservations,
        })),
      );
      process.exitCode = 1;
    });

  program
    .command('create-user')
    .description('Agrega un usuario a un negocio')
    .requiredOption('--email <email>', 'correo con el que inicia sesión')
    .requiredOption('--name <nombre>', 'nombre')
    .addOption(
      new Option('--role <rol>', 'rol')
        .choices(['owner', 'manager', 'cashier', 'agent', 'kitchen'])
        .makeOptionMandatory(),
    )
    .requiredOption('--password <contraseña>', 'contraseña (8 caracteres o más)')
    .option('--tenant <id>', 'negocio (id o nombre)')
    .action(async (opts: { email: string; name: string; role: Role; password: string; tenant?: string }) => {
      const user = await withDatabase(async (db) => {
        const ctx = await ownerCtx(db, await tenantOf(db, opts.tenant));
        return createUser(ctx, {
          email: opts.email,
          name: opts.name,
          role: opts.role,
          password: opts.password,
        });
      });
      console.log(`Usuario creado: ${user.email} (${user.role}), id ${user.id}.`);
    });

  program
    .command('create-business')
    .description('Crea un negocio con su tienda, su bodega opcional y su dueña o dueño')
    .requiredOption('--name <nombre>', 'nombre comercial')
    .requiredOption('--owner-email <email>', 'correo de la dueña o dueño')
    .requiredOption('--owner-name <nombre>', 'nombre de la dueña o dueño')
    .requiredOption('--owner-password <contraseña>', 'contraseña de la dueña o dueño')
    .option('--rfc <rfc>', 'RFC')
    .option('--legal-name <razón social>', 'razón social como la tiene el SAT')
    .option('--regimen <clave>', 'régimen fiscal (c_RegimenFiscal), p. ej. 612')
    .option('--store <nombre>', 'nombre de la tienda', 'Tienda')
    .option('--postal-code <cp>', 'código postal de la tienda')
    .option('--warehouse <nombre>', 'agrega una bodega con este nombre')
    .option('--timezone <zona>', 'zona horaria', 'America/Mexico_City')
    .action(
      async (opts: {
        name: string;
        ownerEmail: string;
        ownerName: string;
        ownerPassword: string;
        rfc?: string;
        legalName?: string;
        regimen?: string;
        store: string;
        postalCode?: string;
        warehouse?: string;
        timezone: string;
      }) => {
        if (opts.ownerPassword.length < 8)
          throw new UsageError('La contraseña debe tener al menos 8 caracteres.');
        const r = await withDatabase(async (db) => {
          const taken = await db.db
            .selectFrom('users')
            .select('id')
            .where((eb) => eb(eb.fn('lower', ['email']), '=', opts.ownerEmail.toLowerCase()))
            .executeTakeFirst();
          if (taken) throw new AppError('USER_EMAIL_DUPLICATE', { email: opts.ownerEmail });
          return createBusiness(db.db, {
            name: opts.name,
            legalName: opts.legalName,
            rfc: opts.rfc?.toUpperCase(),
            regimenFiscal: opts.regimen,
            timezone: opts.timezone,
            locations: shopLocations(opts.store, opts.postalCode, opts.warehouse),
            owner: { email: opts.ownerEmail, name: opts.ownerName, password: opts.ownerPassword },
          });
        });
        console.log(`Negocio creado: ${opts.name} (${r.tenantId}). Sucursales: ${r.locationIds.join(', ')}.`);
      },
    );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = translateDbError(err);
    if (e instanceof AppError) {
      console.error(`Error ${e.code}: ${messageFor(e.code, 'es', e.details)}`);
      return 1;
    }
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    console.error(`Error inesperado: ${(e as Error).message ?? String(e)}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('src/cli/main.ts')) {
  main(process.argv).then((code) => process.exit(code));
}
