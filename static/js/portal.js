/* Small behaviours every page has, kept out of inline handlers (the Content-Security-Policy refuses those). */
(function () {
  "use strict";
  // A select that applies its choice at once (the language switch); the form's button covers no-JS.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-submit-on-change]") && select.form) {
      select.form.submit();
    }
  });
  // A button that opens the browser's print dialogue (the signboard sheet).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
