/* Work done without network, sent once when the network returns.

   An item (a patrol, a problem report) waits in the store under its `uuid`, made on the phone
   by newUuid() when the work began, until the server has it and every photo that follows it.
   The server keys what it stores by that uuid and by each photo's client_key, and answers a
   replay with what it already has: a request whose answer was lost is safe to send again. Items
   are sent at every opening (`sendAll`), on the `online` event and on a timer (`retryWhenOnline`).

   The outbox knows nothing of patrols; it is told what to send:
     store, items, photos   the store (store.js), the name of the items' store, and of the store
                            of the photos that follow them: {[owner], seq, blob, ...}
     url                    where an item is POSTed as JSON
     body(item)             the item's JSON body (may be async: it may read the store)
     photoUrl(item)         where its photos go, once item.server holds the server's answer
     photoFields(item, photo), photoName(item, photo)
                            the form fields sent with a photo besides the image and client_key,
                            and the photo's file name
     errorMessages(body)    the messages of an error answer, in the page's language
     refusedPhotoMessage(message)
                            what is kept in item.refusedPhotos for a photo the server refused
     onChange(outbox), onSent(item), onStorageError(error)
                            told when an item's state may have changed, when an item is wholly
                            sent (and gone from the store), and when the phone could not store

   What the outbox keeps on an item: `server` (the answer to its POST; its photos follow once it
   is set), `problem` (why the last attempt did not finish: {kind: "pending"} without answer,
   "rejected" with messages, "signin", "server" with a status) and `refusedPhotos`. */

import { post as postToServer, readJson } from "./api.js";

// The `online` event misses captive portals and flaky mobile data, so also retry on a timer.
export const RETRY_EVERY_MS = 2 * 60 * 1000;

export function newUuid() {
  if (globalThis.crypto && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  // Browsers older than randomUUID: a version 4 UUID from getRandomValues.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

// What went wrong with an answer that is not a success, in the shape kept on the item.
async function problemOf(response, errorMessages) {
  if (response.status === 400) {
    return { kind: "rejected", messages: errorMessages(await readJson(response)) };
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: "signin" };
  }
  return { kind: "server", status: response.status };
}

export function createOutbox({
  store,
  items,
  photos,
  url,
  body,
  photoUrl,
  photoFields = () => ({}),
  photoName = (item, photo) => `${item.uuid}-${photo.seq}.jpg`,
  errorMessages,
  refusedPhotoMessage = (message) => message,
  onChange = () => {},
  onSent = () => {},
  onStorageError = () => {},
  post = postToServer,
}) {
  // Items not yet (fully) accepted by the server, by uuid.
  const queue = new Map();
  // Items with a request in flight: the online event, the timer and a button must not send twice.
  const sending = new Set();
  const keep = (item) => store.put(items, item).catch(onStorageError);

  // POSTs the item unless the server already has it.
  async function create(item) {
    if (item.server) {
      return null;
    }
    const response = await post(url, JSON.stringify(await body(item)), { "Content-Type": "application/json" });
    if (!response.ok) {
      return problemOf(response, errorMessages);
    }
    const answer = await readJson(response);
    if (!answer) {
      // A success without its body is as good as no answer: the replay will bring it.
      return { kind: "pending" };
    }
    item.server = answer;
    // Kept at once: the photos must go to this answer even if the page dies before they are sent.
    await keep(item);
    return null;
  }

  // Each photo record is deleted once the server has it, so it is never sent twice.
  async function uploadPhotos(item) {
    for (const photo of await store.partsOf(photos, item.uuid)) {
      const form = new FormData();
      form.append("image", photo.blob, photoName(item, photo));
      // The same key on a re-send lets the server answer with the photo it already has.
      form.append("client_key", `${item.uuid}-${photo.seq}`);
      for (const [name, value] of Object.entries(photoFields(item, photo))) {
        form.append(name, value);
      }
      const response = await post(photoUrl(item), form, {});
      if (response.status === 400) {
        // The server will never take this one (format, size): report it and move on.
        errorMessages(await readJson(response)).forEach((message) => {
          item.refusedPhotos.push(refusedPhotoMessage(message));
        });
      } else if (!response.ok) {
        return problemOf(response, errorMessages);
      }
      await store.remove(photos, photo);
    }
    return null;
  }

  const outbox = {
    get size() {
      return queue.size;
    },

    items: () => [...queue.values()],

    // Items the store already held as queued, at the page's opening.
    restore(records) {
      records.forEach((item) => queue.set(item.uuid, item));
      onChange(outbox);
    },

    // Queues a finished item: stored first, then sent.
    async add(item) {
      if (!Array.isArray(item.refusedPhotos)) {
        item.refusedPhotos = [];
      }
      queue.set(item.uuid, item);
      await keep(item);
      await outbox.send(item);
    },

    async send(item) {
      if (sending.has(item.uuid)) {
        return;
      }
      sending.add(item.uuid);
      onChange(outbox);
      try {
        item.problem = (await create(item)) || (await uploadPhotos(item));
      } catch (error) {
        item.problem = { kind: "pending" };
      } finally {
        sending.delete(item.uuid);
      }
      if (item.problem) {
        await keep(item);
      } else {
        await store.removeWithParts(items, item.uuid).catch(onStorageError);
        queue.delete(item.uuid);
        onSent(item);
      }
      onChange(outbox);
    },

    // Automatic retries leave refused items alone: the same request gets the same answer. A
    // person's "Retry now" and a page's opening try them again, in case the cause was fixed.
    async sendAll({ automatic = false } = {}) {
      for (const item of outbox.items()) {
        if (!(automatic && item.problem && item.problem.kind === "rejected")) {
          await outbox.send(item);
        }
      }
    },

    // Sends what waits when the browser says it is online again, and every `everyMs`; returns
    // the function that stops.
    retryWhenOnline({ everyMs = RETRY_EVERY_MS, events = globalThis } = {}) {
      const retry = () => {
        const offline = globalThis.navigator !== undefined && navigator.onLine === false;
        if (queue.size && !offline) {
          outbox.sendAll({ automatic: true });
        }
      };
      events.addEventListener("online", retry);
      const timer = setInterval(retry, everyMs);
      return () => {
        events.removeEventListener("online", retry);
        clearInterval(timer);
      };
    },

    // Deletes an item and its photos from the phone, queued or not.
    async discard(uuid) {
      await store.removeWithParts(items, uuid).catch(onStorageError);
      queue.delete(uuid);
      onChange(outbox);
    },

    // "sending", "pending", "photos" (the server has the item, not yet all its photos),
    // "rejected", "signin" or "server".
    state(item) {
      if (sending.has(item.uuid) || !item.problem) {
        return "sending";
      }
      if (item.problem.kind === "pending" && item.server) {
        return "photos";
      }
      return item.problem.kind;
    },
  };
  return outbox;
}
