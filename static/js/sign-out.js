/* Signing out drops the offline copies the portal keeps (the patrol recorder's page with this
   user's segments), so that the next person on this phone does not open them without network.
   Unsent patrols stay: they live in IndexedDB, not in these copies. */
(() => {
  "use strict";

  const form = document.querySelector("form[data-sign-out]");
  if (!form || !window.caches) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const names = await caches.keys();
      await Promise.all(names.map((name) => caches.delete(name)));
    } finally {
      form.submit();
    }
  });
})();
