import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickTemplate, templateManifest } from './pglite-template.js';

const cache = mkdtempSync(join(tmpdir(), 'mostrador-templates-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** A fake template directory: a PG_VERSION file and, unless null, the manifest of its migrations. */
function template(name: string, migrations: string[] | null): string {
  const dir = join(cache, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '17\n');
  if (migrations) writeFileSync(templateManifest(dir), JSON.stringify(migrations));
  return dir;
}

describe('pickTemplate (template of a new embedded data directory)', () => {
  const today = ['001_a:aa', '002_b:bb', '003_c:cc'];

  it('takes the newest template whose migrations are the first of today’s when none is exact', () => {
    template('pglite-0.5.17-one', ['001_a:aa']);
    const two = template('pglite-0.5.17-two', ['001_a:aa', '002_b:bb']);
    // an edited migration, another PGlite, a template without a manifest, a half-built copy
    template('pglite-0.5.17-edited', ['001_a:aa', '002_b:XX']);
    template('pglite-0.6.0-other', ['001_a:aa', '002_b:bb']);
    template('pglite-0.5.17-old', null);
    template('pglite-0.5.17-three.123.tmp', today);
    expect(pickTemplate(cache, '0.5.17', today)).toBe(two);
  });

  it('takes none when no template holds only migrations of today', () => {
    expect(pickTemplate(cache, '0.5.17', ['009_z:zz'])).toBeNull();
    expect(pickTemplate(cache, '0.7.0', today)).toBeNull();
  });

  it('never takes a template with more migrations than the code has', () => {
    expect(pickTemplate(cache, '0.5.17', ['001_a:aa'])).toBe(join(cache, 'pglite-0.5.17-one'));
  });
});
