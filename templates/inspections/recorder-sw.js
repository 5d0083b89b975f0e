/* The patrol recorder's service worker: lets a chief open the recorder without network.

   It controls only /patrols/record/. Every GET from that page except the API and uploaded media
   goes to the network first; a copy of each good answer is kept, and it is served when the
   network fails or is slower than NETWORK_WAIT_MS. The page itself stores its first copies
   (patrol-record.js), as it loaded before this worker existed. Patrols are not handled here: the
   page keeps them in IndexedDB until the server has them. */
"use strict";

const CACHE = "{{ cache_name }}";
const CACHE_PREFIX = "{{ cache_prefix }}";
const NETWORK_WAIT_MS = 5000;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

function kept(request) {
  const url = new URL(request.url);
  return (
    request.method === "GET" &&
    url.origin === self.location.origin &&
    !url.pathname.startsWith("/api/") &&
    !url.pathname.startsWith("/media/")
  );
}

// Django varies its pages on Cookie and Accept-Language, which a service worker's requests do not
// show: the copy is this browser's own, so those cannot differ.
const MATCH = { ignoreVary: true };

async function networkFirst(event) {
  const { request } = event;
  const cache = await caches.open(CACHE);
  const network = fetch(request).then(async (response) => {
    // A redirect (an expired sign-in) or an error is shown, never kept.
    if (response.ok && !response.redirected) {
      await cache.put(request, response.clone());
    }
    return response;
  });
  // The copy is written even when the stored one was answered first.
  event.waitUntil(network.catch(() => null));
  const slow = new Promise((resolve) => {
    setTimeout(resolve, NETWORK_WAIT_MS, null);
  });
  try {
    const first = await Promise.race([network, slow]);
    return first || (await cache.match(request, MATCH)) || (await network);
  } catch (error) {
    const stored = await cache.match(request, MATCH);
    if (stored) {
      return stored;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  if (kept(event.request)) {
    event.respondWith(networkFirst(event));
  }
});
