/* The recorder's copy for opening without network (templates/inspections/recorder-sw.js keeps
   it up to date): registering the service worker and storing what it has not seen yet. */

// The service worker's matching: the copy is this browser's own, so Vary headers cannot differ.
const MATCH = { ignoreVary: true };

/* The page's scripts, modules and styles, and what they loaded in turn (images of the map's
   styles). Modules that other modules import are no <script> of the page: each one is listed as
   a <link rel="modulepreload">, as the page's clock may be faked (tests) and then the browser
   keeps no performance entries to find them by. */
function staticFiles(root) {
  const linked = [
    ...document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=modulepreload][href]"),
  ].map((node) => node.src || node.href);
  const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
  const files = [...linked, ...loaded]
    .map((address) => new URL(address, window.location.href))
    .filter((url) => url.origin === window.location.origin && url.pathname.startsWith(root.dataset.staticUrl))
    .map((url) => url.href);
  return [...new Set(files)];
}

/* The service worker keeps a copy of each answer it sees, but on the first visit this page and
   its files loaded before it existed, and after a new version of the copy (OFFLINE_CACHE) they
   loaded through the worker of the old one: store what is missing now, while online, so that the
   next opening works in a dead zone. Files of earlier versions that this page no longer uses are
   dropped. Sets data-offline-ready on `root` when done. */
export async function keepForOffline(root) {
  if (!("serviceWorker" in navigator) || !window.caches) {
    return;
  }
  if (document.readyState !== "complete") {
    await new Promise((resolve) => {
      window.addEventListener("load", resolve, { once: true });
    });
  }
  try {
    const cache = await caches.open(root.dataset.offlineCache);
    const files = staticFiles(root);
    if (navigator.onLine) {
      if (!navigator.serviceWorker.controller) {
        await navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: window.location.pathname });
      }
      const page = window.location.pathname;
      if (!(await cache.match(page, MATCH))) {
        await cache.add(page);
      }
      const missing = [];
      for (const address of files) {
        if (!(await cache.match(address, MATCH))) {
          missing.push(address);
        }
      }
      // One missing image must not cost the rest.
      await Promise.allSettled(missing.map((address) => cache.add(address)));
    }
    const current = new Set(files);
    const keys = await cache.keys();
    await Promise.all(
      keys
        .filter((request) => new URL(request.url).pathname.startsWith(root.dataset.staticUrl))
        .filter((request) => !current.has(request.url))
        .map((request) => cache.delete(request))
    );
    await navigator.serviceWorker.ready;
    root.dataset.offlineReady = "true";
  } catch (error) {
    // Without a copy the page still works online; nothing to tell the chief.
  }
}
