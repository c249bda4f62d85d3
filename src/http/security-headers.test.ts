import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet, { type HelmetOptions } from 'helmet';
import { describe, expect, it } from 'vitest';
import { helmetHeaders } from './security-headers.js';

/** The headers helmet's own middleware puts on a real answer, for comparison. */
async function realHeaders(options: HelmetOptions): Promise<Record<string, string>> {
  const middleware = helmet(options);
  const server = createServer((req, res) => middleware(req, res, () => res.end('ok')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const skip = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
    return Object.fromEntries([...res.headers].filter(([k]) => !skip.has(k)));
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('security headers worked out once', () => {
  it('are exactly the ones helmet sets on a real answer, for defaults, our policy and no policy', async () => {
    const ours: HelmetOptions = {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
    };
    for (const options of [{}, ours, { ...ours, contentSecurityPolicy: false }] as HelmetOptions[]) {
      const once = helmetHeaders(options);
      expect(once).toEqual(await realHeaders(options));
      expect(Object.keys(once).length).toBeGreaterThan(5);
    }
    expect(helmetHeaders(ours)['content-security-policy']).toBe("default-src 'self';frame-ancestors 'none'");
  });

  it('refuses options helmet refuses, when the app is built rather than at a request', () => {
    expect(() => helmetHeaders({ contentSecurityPolicy: { directives: { 'bad src': ['x'] } } })).toThrow();
  });
});
