/**
 * Test and bench support: where SAT's files and tools live, and running them.
 * `../shared` next to the repository (override with MOSTRADOR_SHARED_DIR).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from '../../../sat/shared-dir.js';
import { type Csd, loadCsd } from './csd.js';

export const SHARED_DIR = sharedDir();
export const SAT_DIR = join(SHARED_DIR, 'sat');
export const CFDI_CHECK = join(SHARED_DIR, 'tools/cfdi-check');
export const XSLT_CADENA = join(SAT_DIR, 'xslt/cadenaoriginal_4_0.xslt');
export const XSLT_TFD = join(SAT_DIR, 'xslt/cadenaoriginal_TFD_1_1.xslt');

/** Fail loudly (never skip) when SAT's tools are not installed. */
export function requireSatTools(): void {
  const missing: string[] = [];
  for (const tool of ['xsltproc', 'xmllint', 'openssl']) {
    try {
      execFileSync(tool, [tool === 'openssl' ? 'version' : '--version'], { stdio: 'ignore' });
    } catch {
      missing.push(tool);
    }
  }
  if (missing.length) {
    throw new Error(
      `CFDI tests need ${missing.join(', ')}: run \`apt-get install -y libxml2-utils xsltproc openssl\` (Debian) and retry.`,
    );
  }
  try {
    readFileSync(CFDI_CHECK);
  } catch {
    throw new Error(`CFDI tests need ${CFDI_CHECK} (the shared SAT tools); set MOSTRADOR_SHARED_DIR.`);
  }
}

export function testCsd(rfc: 'EKU9003173C9' | 'CACX7605101P8'): Csd {
  return loadCsd({
    cer: readFileSync(join(SAT_DIR, `csd/${rfc}.cer`)),
    key: readFileSync(join(SAT_DIR, `csd/${rfc}.key`)),
    password: '12345678a',
  });
}

/** xsltproc's cadena original of an XML file (SAT's stylesheet; its version-2.0 notice discarded). */
export function xsltprocCadena(file: string, xslt = XSLT_CADENA): string {
  return execFileSync('xsltproc', ['--nonet', xslt, file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(
    'utf8',
  );
}

export interface CheckResult {
  file: string;
  exitCode: number;
  output: string;
  pass: boolean;
  /** The cadena original cfdi-check computed with xsltproc (`--show-cadena`). */
  cadena?: string;
}

function runOne(file: string): Promise<CheckResult> {
  return new Promise((done) => {
    execFile(CFDI_CHECK, ['--show-cadena', file], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const exitCode = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
      const output = stdout + stderr;
      const lines = stdout.split('\n');
      const at = lines.indexOf('cadena original:');
      done({
        file,
        exitCode,
        output,
        pass: exitCode === 0 && /^RESULT: PASS/m.test(stdout),
        cadena: at >= 0 ? lines[at + 1] : undefined,
      });
    });
  });
}

/** Run `cfdi-check` on every file with limited concurrency. */
export async function cfdiCheckAll(
  files: string[],
  concurrency = Math.max(2, availableParallelism()),
): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      results[i] = await runOne(files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return results;
}
