/* Talking to the portal's API from a page: the CSRF token, and the API's one error shape. */

export function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  if (cookie) {
    return decodeURIComponent(cookie.slice("csrftoken=".length));
  }
  // The language form of every page carries the token when the cookie is not readable.
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// A rejected promise means the request never got an answer (offline, connection reset): retry later.
export function post(url, body, headers) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken(), ...headers },
    body,
  });
}

export async function readJson(response) {
  try {
    return await response.json();
  } catch (error) {
    return null;
  }
}

/* The messages of an API error, {"error": {"status", "code", "message", "fields": {...}}}, where
   fields nest like the request (findings by index). `labels` are the page's translated words:
   `unknown` when the server gave no reason, `item(number)` for an entry of a list, and
   `field(name)` for a field. */
export function errorMessages(body, labels) {
  const error = body && body.error;
  if (!error) {
    return [labels.unknown];
  }
  const messages = [];
  collectMessages(error.fields, [], messages, labels);
  return messages.length ? messages : [error.message || labels.unknown];
}

function collectMessages(value, path, messages, labels) {
  if (value == null) {
    return;
  }
  if (typeof value !== "object") {
    messages.push(path.length ? `${path.join(" › ")}: ${value}` : String(value));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const isEntry = item !== null && typeof item === "object" && !Array.isArray(item);
      collectMessages(item, isEntry ? [...path, labels.item(index + 1)] : path, messages, labels);
    });
  } else {
    for (const [key, item] of Object.entries(value)) {
      const label = /^\d+$/.test(key) ? labels.item(Number(key) + 1) : labels.field(key);
      collectMessages(item, [...path, label], messages, labels);
    }
  }
}
