// Mostrador's service worker: keeps the app shell (HTML, JS, CSS, icons) so the terminal opens
// and reloads without a network. The API is never cached here: sales go through IndexedDB.
const PREFIX = 'mostrador-shell-';

async function currentList() {
  const res = await fetch('/asset-list.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`asset-list ${res.status}`);
  return res.json();
}

async function precache(list) {
  const name = PREFIX + list.builtAt;
  if (await caches.has(name)) return name;
  const cache = await caches.open(name);
  const urls = ['/', '/manifest.webmanifest', '/icon.svg', ...list.files.map((f) => `/${f}`)];
  await cache.addAll([...new Set(urls)].filter((u) => u !== '/asset-list.json'));
  return name;
}

async function dropOthers(keep) {
  for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== keep) await caches.delete(k);
}

let active = null;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      active = await precache(await currentList());
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      if (active) await dropOthers(active);
      await self.clients.claim();
    })(),
  );
});

/** After a new build the same sw.js stays installed: refresh the shell when the list changes. */
async function refreshShell() {
  try {
    const name = await precache(await currentList());
    active = name;
    await dropOthers(name);
  } catch {
    // offline or mid-deploy: keep what we have
  }
}

async function fromCache(request) {
  const hit = await caches.match(request, { ignoreSearch: false });
  return hit ?? null;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/docs') || url.pathname === '/health')
    return;

  if (req.mode === 'navigate') {
    // Network first: a new build shows at once; offline, the cached shell answers every route.
    event.respondWith(
      (async () => {
        try {
          const res = await fetch(req);
          if (res.ok) event.waitUntil(refreshShell());
          return res;
        } catch {
          return (await caches.match('/')) ?? new Response('Sin conexión', { status: 503 });
        }
      })(),
    );
    return;
  }

  if (
    url.pathname.startsWith('/assets/') ||
    url.pathname === '/icon.svg' ||
    url.pathname === '/manifest.webmanifest'
  ) {
    // Hashed files never change: cache first, and keep what the network brings.
    event.respondWith(
      (async () => {
        const hit = await fromCache(req);
        if (hit) return hit;
        const res = await fetch(req);
        if (res.ok) {
          const keys = (await caches.keys()).filter((k) => k.startsWith(PREFIX));
          const cache = await caches.open(keys[keys.length - 1] ?? `${PREFIX}runtime`);
          await cache.put(req, res.clone());
        }
        return res;
      })(),
    );
  }
});
