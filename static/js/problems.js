/* Problem pages: a transition form refused by the server (400 with the fields, 403 with the reason,
   409 when another transition won) shows the answer in place, as a page without htmx would. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    // detail.elt is the swap's target here; the element that asked is the request's.
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if ((status === 400 || status === 403 || status === 409) && source && source.closest && source.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
