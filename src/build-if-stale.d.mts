// Types of build-if-stale.mjs (plain JavaScript: npm start runs it before anything is built).
import type { Script } from 'node:vm';

export const SERVER_BUNDLE: string;
export function buildServerIfStale(options?: { force?: boolean }): Promise<string>;
export function bundleScript(bundlePath: string, code: string, cachedData?: Buffer): Script;
export function readCodeCache(bundlePath: string, code: string): { kind: string; data: Buffer } | undefined;
export function writeCodeCache(
  bundlePath: string,
  code: string,
  kind: 'build' | 'run',
  data: Buffer,
): boolean;
