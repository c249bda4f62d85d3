import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, defineErrors } from '../shared/errors.js';

export const DataDirErrors = defineErrors({
  DATA_DIR_IN_USE: {
    status: 409,
    es: 'Otro proceso de Mostrador (PID {pid}) está usando la base embebida en {dataDir}: detenlo antes. Para varios procesos a la vez usa PostgreSQL (DATABASE_URL).',
    en: 'Another Mostrador process (PID {pid}) is using the embedded database in {dataDir}: stop it first. For several processes at once use PostgreSQL (DATABASE_URL).',
  },
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded database is one process's: PGlite has no lock of its own, and two processes on
 * one data directory (a second `npm start`, the CLI while the server runs) would write over each
 * other. `mostrador.pid` in the directory names the process that has it; another live process
 * finds it and is refused (DATA_DIR_IN_USE); one left by a process that died is taken over.
 * Returns the release, also run at exit.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'mostrador.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      // this process again (a reopen after a close that did not run): it is ours
      if (pid === process.pid) return release(file);
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new AppError(DataDirErrors.DATA_DIR_IN_USE, { dataDir, pid });
      unlinkSync(file); // its process is gone
    }
  }
  return release(file);
}

function release(file: string): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    process.off('exit', run);
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on('exit', run);
  return run;
}
