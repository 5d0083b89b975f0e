/* A page's translated texts: the template renders them into elements with `data-key`, and
   `{name}` in a text marks a value the script fills in. */

export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (values && name in values ? String(values[name]) : match));
}

// `text(key, values)` falls back to the key itself, so that a missing text shows up as such;
// `lookup(key)` is undefined for a missing one.
export function readTexts(container) {
  const strings = {};
  if (container) {
    container.querySelectorAll("[data-key]").forEach((element) => {
      strings[element.dataset.key] = element.textContent.trim();
    });
  }
  return {
    text: (key, values) => format(strings[key] || key, values),
    lookup: (key) => strings[key],
  };
}
