import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The server as `npm start` runs it (`src/start.mjs`: the launcher rebuilds dist/server.cjs if a
 * source changed), on 127.0.0.1:`port`, quiet, without automatic backups. `env` adds to or
 * overrides those defaults and the test process's environment.
 */
export function spawnServer(env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, ['src/start.mjs'], {
    env: {
      ...process.env,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'error',
      BACKUP_KEEP_DAYS: '0',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Resolves when `/health` answers; fails if the process exits first or after a minute. A server
 * that never became healthy is killed (a test that failed here must not leave it running), and
 * the error says what /health last answered.
 */
export async function waitReady(port: number, proc: ChildProcess): Promise<void> {
  let last = 'no answer';
  for (let i = 0; i < 1200; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return;
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not start; /health last answered: ${last}`);
}

/**
 * Sends `signal` and waits for the process to exit; answers how it ended (a graceful stop is
 * `{ code: 0, signal: null }`; a process the signal itself ended has `signal` set).
 */
export async function stopServer(
  proc: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!proc) return { code: null, signal: null };
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }
  return { code: proc.exitCode, signal: proc.signalCode };
}

/**
 * A TCP port nothing listens on now, chosen by the OS, for a server a test spawns (a random one
 * in a range once landed on NATS's 4222, which every machine here runs).
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok, ko) => {
    probe.once('error', ko);
    probe.listen(0, '127.0.0.1', ok);
  });
  const address = probe.address();
  await new Promise((ok) => probe.close(ok));
  if (!address || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}
