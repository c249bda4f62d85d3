import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'mostrador-lock-'));
const dataDir = join(dir, 'data');
const pidFile = join(dataDir, 'mostrador.pid');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that stays alive until killed: another Mostrador holding the directory. */
function otherProcess() {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

describe('one process per embedded database', () => {
  it('holds the data directory while open, refuses a second live process, and takes over a dead one’s', async () => {
    const first = await openDatabase({ dataDir });
    expect(readFileSync(pidFile, 'utf8')).toBe(String(process.pid));
    await first.db.selectFrom('tenants').select('id').execute();
    await first.close();
    expect(existsSync(pidFile)).toBe(false);

    // another server (or the CLI) has it: refused before PGlite touches the files
    const other = otherProcess();
    try {
      writeFileSync(pidFile, String(other.pid));
      await expect(openDatabase({ dataDir })).rejects.toMatchObject({
        code: 'DATA_DIR_IN_USE',
        details: { dataDir, pid: other.pid },
      });
      expect(readFileSync(pidFile, 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }

    // that process died without letting go: the next one takes the directory
    const again = await openDatabase({ dataDir });
    expect(readFileSync(pidFile, 'utf8')).toBe(String(process.pid));
    await again.close();
    expect(existsSync(pidFile)).toBe(false);
  }, 60_000);
});
