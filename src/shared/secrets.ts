import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config.js';

/**
 * Encryption at rest for the secrets the app must read back: CSD private keys and their
 * passwords, webhook signing secrets. AES-256-GCM with the key from SECRET_KEY (any string;
 * hashed to 32 bytes), else a random key generated once into `$DATA_DIR/secret.key` (a warning
 * says so: losing that file loses the stored CSDs and the webhooks' secrets).
 */
let cached: Buffer | undefined;

function loadKey(): Buffer {
  if (cached) return cached;
  const config = loadConfig();
  const fromEnv = config.secretKey;
  if (fromEnv) {
    cached = createHash('sha256').update(fromEnv, 'utf8').digest();
    return cached;
  }
  if (process.env.VITEST) {
    // Tests never write into the working tree.
    cached = createHash('sha256').update('mostrador-test-secret', 'utf8').digest();
    return cached;
  }
  const file = resolve(join(config.dataDir, 'secret.key'));
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    console.warn(
      `[secrets] SECRET_KEY is not set: generated ${file} to encrypt CSD keys and webhook secrets. Back it up, or set SECRET_KEY.`,
    );
  }
  cached = createHash('sha256').update(readFileSync(file, 'utf8').trim(), 'utf8').digest();
  return cached;
}

/** The installation's secret key (32 bytes), for values derived from it (the setup token). */
export function secretKey(): Buffer {
  return loadKey();
}

/** `v1:iv:tag:ciphertext` (base64 parts). */
export function encryptSecret(plain: Buffer | string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', loadKey(), iv);
  const data = Buffer.concat([
    cipher.update(typeof plain === 'string' ? Buffer.from(plain) : plain),
    cipher.final(),
  ]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(
    ':',
  );
}

export function decryptSecret(sealed: string): Buffer {
  const [v, iv, tag, data] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown secret format');
  const decipher = createDecipheriv('aes-256-gcm', loadKey(), Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
}

/** Forget the cached key (tests that change SECRET_KEY). */
export function resetSecretKey(): void {
  cached = undefined;
}
