/* Searchable choices for SearchableChoiceWidget (wushui/widgets.py). The widget's id field becomes
   hidden, and a search box (an ARIA combobox) asks the widget's endpoint for the choices matching what
   the user types. Choosing one sets the id and fires "change", so an htmx filter form refreshes as it
   does for a select; erasing the text and leaving the box clears the choice. The server validates the
   id as before. Without this script the id field stays a plain text field. */
(function () {
  "use strict";
  // htmx runs the page's scripts again when it restores a page from its history.
  if (window.wushuiChoiceSearch) { return; }
  var TYPING_DELAY_MS = 200;

  function enhance(wrapper) {
    var idInput = wrapper.querySelector("[data-choice-id]");
    if (wrapper.wushuiChoiceSearch || !idInput) { return; }
    wrapper.wushuiChoiceSearch = true;
    // A page restored by htmx holds the markup of a former enhancement, without its handlers.
    wrapper.querySelectorAll("[data-choice-ui]").forEach(function (element) { element.remove(); });
    var selectedLabel = wrapper.querySelector("[data-choice-label]");
    if (selectedLabel) { selectedLabel.hidden = true; }
    // Hidden, not type=hidden: a text field's value stays out of its markup, so the copy of the page
    // htmx keeps for going back holds the choice the page was served with, as its results do.
    idInput.hidden = true;
    var label = wrapper.dataset.label || "";

    var listId = (idInput.id || idInput.name) + "-choices";
    var search = document.createElement("input");
    search.type = "search";
    search.autocomplete = "off";
    search.placeholder = wrapper.dataset.placeholder || "";
    search.value = label;
    search.setAttribute("data-choice-ui", "");
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-expanded", "false");
    search.setAttribute("aria-controls", listId);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "choice-search-list";
    list.hidden = true;
    list.setAttribute("data-choice-ui", "");
    list.setAttribute("role", "listbox");
    wrapper.appendChild(search);
    wrapper.appendChild(list);

    var choices = [];
    var active = -1;
    var request = null;
    var timer = null;

    function close() {
      list.hidden = true;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.classList.toggle("active", i === active); });
      search.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function show(data) {
      choices = data.results;
      active = -1;
      list.innerHTML = "";
      choices.forEach(function (choice, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", String(String(choice.id) === idInput.value));
        item.dataset.index = String(index);
        item.textContent = choice.label;
        if (choice.detail) {
          var detail = document.createElement("small");
          detail.textContent = choice.detail;
          item.appendChild(detail);
        }
        list.appendChild(item);
      });
      if (!choices.length || data.more) {
        var note = document.createElement("li");
        note.className = "muted";
        note.setAttribute("aria-disabled", "true");
        note.textContent = choices.length ? wrapper.dataset.more : wrapper.dataset.none;
        list.appendChild(note);
      }
      list.hidden = false;
      search.setAttribute("aria-expanded", "true");
    }

    function load(text) {
      timer = null;
      if (request) { request.abort(); }
      var mine = new AbortController();
      request = mine;
      fetch(wrapper.dataset.url + "?q=" + encodeURIComponent(text), {
        signal: mine.signal, credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (request !== mine) { return; }
          request = null;
          if (document.activeElement === search) { show(data); }
        })
        .catch(function () { if (request === mine) { request = null; } });
    }

    function schedule(text) {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () { load(text); }, TYPING_DELAY_MS);
    }

    function choose(choice) {
      var value = choice ? String(choice.id) : "";
      var changed = idInput.value !== value;
      idInput.value = value;
      label = choice ? choice.label : "";
      search.value = label;
      close();
      if (changed) { idInput.dispatchEvent(new Event("change", { bubbles: true })); }
    }

    function settle() {
      // Leaving the box: an emptied box clears the choice, anything else typed is dropped.
      if (!search.value.trim()) { choose(null); return; }
      search.value = label;
      close();
    }

    search.addEventListener("focus", function () {
      search.select();
      schedule("");  // the first choices, before anything is typed
    });
    search.addEventListener("input", function () { schedule(search.value.trim()); });
    search.addEventListener("search", function () { if (!search.value) { choose(null); } });
    // The form refreshes on "change": only a choice made (on the id field) may cause one.
    search.addEventListener("change", function (event) { event.stopPropagation(); });
    search.addEventListener("blur", function () {
      if (timer) { clearTimeout(timer); timer = null; }
      settle();
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { schedule(search.value.trim()); return; }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (list.hidden && search.value.trim()) { return; }
        event.preventDefault();
        if (active >= 0) { choose(choices[active]); } else if (!search.value.trim()) { choose(null); }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        search.value = label;
        close();
      }
    });
    // mousedown, not click: the box keeps its focus, so its blur does not drop the list first.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
      var item = event.target.closest("[role=option]");
      if (item) { choose(choices[Number(item.dataset.index)]); }
    });
  }

  function enhanceAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-choice-search]")) { enhance(scope); }
    scope.querySelectorAll("[data-choice-search]").forEach(enhance);
  }

  window.wushuiChoiceSearch = { enhanceAll: enhanceAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
  document.addEventListener("htmx:historyRestore", function () { enhanceAll(document); });
})();
