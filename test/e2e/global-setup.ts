import { existsSync } from 'node:fs';
import { CHROMIUM, ensureWebBuilt } from './harness.js';

/** The e2e project needs the built web app and Debian's Chromium (installed by .ci/run). */
export default function setup(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  ensureWebBuilt();
}
