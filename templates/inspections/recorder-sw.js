/* The patrol recorder's service worker: lets a chief open the recorder without network.

   It controls only the recorder's page. Every GET from that page except the API and uploaded
   media goes to the network first; a copy of each good answer is kept, and it is served when the
   network fails, answers with a server error, or is slower than NETWORK_WAIT_MS. The page itself
   stores what this worker did not see (static/js/recorder/offline-copy.js): on the first visit the
   page loaded before the worker existed, and after a new version through the older one. Patrols
   are not handled here: the page keeps them in IndexedDB until the server has them. */
"use strict";

const CACHE = "{{ cache_name|escapejs }}";
const CACHE_PREFIX = "{{ cache_prefix|escapejs }}";
const PASSED_THROUGH = ["{{ api_prefix|escapejs }}", "{{ media_url|escapejs }}"];
const NETWORK_WAIT_MS = 5000;
// Django varies its pages on Cookie and Accept-Language, which a service worker's requests do not
// show: the copy is this browser's own, so those cannot differ.
const MATCH = { ignoreVary: true };

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
    !PASSED_THROUGH.some((prefix) => prefix && url.pathname.startsWith(prefix))
  );
}

// Keeps a good answer; forgets the page when the server sends the browser elsewhere (an expired
// sign-in ends at the login page), so that nobody opens a signed-out user's page offline.
async function remember(request, response) {
  const cache = await caches.open(CACHE);
  if (response.ok && !response.redirected) {
    await cache.put(request, response);
  } else if (response.type === "opaqueredirect" || response.redirected) {
    await cache.delete(request, MATCH);
  }
}

async function stored(request) {
  return caches.match(request, { ...MATCH, cacheName: CACHE });
}

async function networkFirst(event, network) {
  const slow = new Promise((resolve) => {
    setTimeout(resolve, NETWORK_WAIT_MS, null);
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first === null) {
      // Slow network: the kept copy now, if there is one; the answer still updates the copy.
      return (await stored(event.request)) || (await network);
    }
    if (first.status >= 500) {
      return (await stored(event.request)) || first;
    }
    return first;
  } catch (error) {
    const copy = await stored(event.request);
    if (copy) {
      return copy;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  if (!kept(event.request)) {
    return;
  }
  const network = fetch(event.request);
  // Writing the copy never delays or breaks the answer (a full phone refuses the write).
  event.waitUntil(
    network.then((response) => remember(event.request, response.clone())).catch(() => null)
  );
  event.respondWith(networkFirst(event, network));
});
