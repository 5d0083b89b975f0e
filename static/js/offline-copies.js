/* Offline copies the portal keeps (the patrol recorder's page, with its user's segments) belong
   to the signed-in user: signing out drops them, and so does the sign-in page (reached also when a
   session expired), so that the next person on this phone does not open them without network.
   Unsent patrols stay: they live in IndexedDB, not in these copies. */
(() => {
  "use strict";

  if (!window.caches) {
    return;
  }
  // Never keep someone waiting on a browser that does not answer.
  const GIVE_UP_MS = 2000;

  function dropCopies() {
    const dropped = caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name))));
    const late = new Promise((resolve) => {
      setTimeout(resolve, GIVE_UP_MS);
    });
    return Promise.race([dropped, late]).catch(() => null);
  }

  if (document.querySelector("[data-drop-offline-copies]")) {
    dropCopies();
  }
  const form = document.querySelector("form[data-sign-out]");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await dropCopies();
      form.submit();
    });
  }
})();
