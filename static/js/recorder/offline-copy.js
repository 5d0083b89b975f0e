/* The recorder's copy for opening without network (templates/inspections/recorder-sw.js keeps
   it up to date): registering the service worker and storing what it has not seen yet. */

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
   its files loaded before it existed: store them now, while online, so that the next opening
   works in a dead zone. Files of earlier versions that this page no longer uses are dropped.
   Sets data-offline-ready on `root` when done. */
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
    if (!navigator.serviceWorker.controller && navigator.onLine) {
      await navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: window.location.pathname });
      await cache.add(window.location.pathname);
      // One missing image must not cost the rest.
      await Promise.allSettled(files.map((file) => cache.add(file)));
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
