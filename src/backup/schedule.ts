import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../db/database.js';
import { backupDatabase } from './backup.js';

const NAME_RE = /^mostrador-\d{8}-\d{4}\.ndjson\.gz$/;

/** `mostrador-20261123-1600.ndjson.gz` for an instant (UTC, so names sort and never repeat at DST). */
export function backupFileName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `mostrador-${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}.ndjson.gz`;
}

export interface ScheduleBackupsOptions {
  database: Database;
  dir: string;
  keepDays: number;
  everyHours: number;
  now?: () => Date;
  onBackup?: (file: string) => void;
  onError?: (err: unknown) => void;
}

export interface BackupSchedule {
  stop(): void;
  /** Takes a backup now and prunes old ones; resolves with the file written. */
  runNow(): Promise<string>;
}

/** Deletes this directory's backups whose file is older than `keepDays`; returns their names. */
export async function pruneBackups(dir: string, keepDays: number, now: Date): Promise<string[]> {
  const removed: string[] = [];
  const limit = now.getTime() - keepDays * 86_400_000;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!NAME_RE.test(name)) continue;
    const s = await stat(join(dir, name));
    if (s.mtimeMs < limit) {
      await rm(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/**
 * Backs up the database every `everyHours` into `dir` and deletes backups older than
 * `keepDays`. The first backup is taken at start when the newest one is older than the
 * period (so restarts do not pile up files). Failures go to `onError` and never stop the app.
 */
export function scheduleBackups(options: ScheduleBackupsOptions): BackupSchedule {
  const now = options.now ?? (() => new Date());
  const periodMs = options.everyHours * 3_600_000;
  let running: Promise<string> | null = null;
  let stopped = false;

  const runNow = async (): Promise<string> => {
    if (running) return running;
    running = (async () => {
      await mkdir(options.dir, { recursive: true });
      const at = now();
      const file = join(options.dir, backupFileName(at));
      await backupDatabase(options.database, file);
      await pruneBackups(options.dir, options.keepDays, at);
      options.onBackup?.(file);
      return file;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const tick = () => {
    if (stopped) return;
    runNow().catch((err) => options.onError?.(err));
  };

  const startup = setTimeout(async () => {
    const names = (await readdir(options.dir).catch(() => [] as string[]))
      .filter((n) => NAME_RE.test(n))
      .sort();
    const newest = names.at(-1);
    const age = newest
      ? now().getTime() - (await stat(join(options.dir, newest))).mtimeMs
      : Number.POSITIVE_INFINITY;
    if (age >= periodMs) tick();
  }, 5_000);
  const timer = setInterval(tick, periodMs);
  startup.unref();
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(startup);
      clearInterval(timer);
    },
    runNow,
  };
}
