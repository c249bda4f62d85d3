import { z } from 'zod';

/** A problem with one cell (or the whole row when `column` is empty), in Spanish. */
export const zCellError = z.object({ column: z.string(), code: z.string(), message: z.string() });

/** What every import answers about its file, whatever it imports. */
export const zImportFileReport = z.object({
  dryRun: z.boolean(),
  encoding: z.enum(['utf-8', 'utf-8-bom', 'windows-1252']),
  delimiter: z.enum([',', ';', '\t']),
  total: z.number(),
  created: z.number(),
  updated: z.number(),
  failed: z.number(),
  /** Columns of the file that no field takes (kept out of the import). */
  ignoredColumns: z.array(z.string()),
});
