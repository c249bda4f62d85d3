import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleScript, readCodeCache, SERVER_BUNDLE, writeCodeCache } from './build-if-stale.mjs';

/** Starts `npm start`'s launcher on PGlite, waits for /health, stops it with SIGTERM; returns its stderr. */
async function startAndStop(dataDir: string, port: number): Promise<string> {
  const proc = spawn(process.execPath, ['src/start.mjs'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      BACKUP_KEEP_DAYS: '0',
      LOG_LEVEL: 'error',
      START_TIMING: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', r));
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null || i > 600) throw new Error(`the server did not start: ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
  return stderr;
}

const cacheState = (stderr: string) => /start code cache ([\w ()]+):/.exec(stderr)?.[1];

describe('npm start runs the server bundle from V8’s code cache', () => {
  it('ignores a cache made for another bundle, writes its own on the way out, and the next start uses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mostrador-start-'));
    const cachePath = `${SERVER_BUNDLE}.v8cache`;
    try {
      // A cache whose first line names another bundle never reaches V8 (it checks little more
      // than the source's length, so a stale cache could otherwise run old code).
      writeFileSync(
        cachePath,
        Buffer.concat([
          Buffer.from(`${'0'.repeat(40)} ${process.version} ${process.arch} run\n`),
          Buffer.alloc(4096, 7),
        ]),
      );
      const first = await startAndStop(join(dir, 'data'), 3961);
      // 'used' only if another test's server wrote a good cache in between.
      expect(['none', 'used (run)']).toContain(cacheState(first));

      const file = readFileSync(cachePath);
      const sha1 = createHash('sha1').update(readFileSync(SERVER_BUNDLE, 'utf8')).digest('hex');
      expect(file.subarray(0, file.indexOf(10)).toString()).toBe(
        `${sha1} ${process.version} ${process.arch} run`,
      );
      expect(file.length).toBeGreaterThan(100_000);

      const second = await startAndStop(join(dir, 'data'), 3961);
      expect(cacheState(second)).toBe('used (run)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a cache serves only the bundle it was made from, even one of the same length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mostrador-cache-'));
    try {
      const bundle = join(dir, 'server.cjs');
      copyFileSync(SERVER_BUNDLE, bundle);
      const code = readFileSync(bundle, 'utf8');
      expect(readCodeCache(bundle, code)).toBeUndefined();
      expect(writeCodeCache(bundle, code, 'build', bundleScript(bundle, code).createCachedData())).toBe(true);
      const cached = readCodeCache(bundle, code);
      expect(cached?.kind).toBe('build');
      expect(bundleScript(bundle, code, cached?.data).cachedDataRejected).toBe(false);
      // One character changed, the length kept: V8 would take this cache; the key does not.
      const edited = code.replace('Mostrador', 'Mostrad0r');
      expect(edited).not.toBe(code);
      expect(edited.length).toBe(code.length);
      expect(readCodeCache(bundle, edited)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
