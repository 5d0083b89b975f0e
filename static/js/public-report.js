/* The report form of a signboard's public page (inspections/public/segment.html).

   The report takes the recorder's offline machinery from field/: it is written to the phone's
   store (store.js) with its photos, shrunk first (photos.js), and the outbox (outbox.js) sends it
   to the public report endpoint, then each photo to the answer's photos_url. With a weak signal it
   waits and goes when the signal returns (the `online` event, a timer, the next opening), once: the
   server keys the report by its client_token (newUuid) and each photo by its client_key.

   Before sending, the open problems already reported near the marked point are shown, so that the
   same rubbish heap is followed rather than reported again. */

import { errorMessages } from "./field/api.js";
import { createOutbox, newUuid } from "./field/outbox.js";
import { shrinkPhoto } from "./field/photos.js";
import { openStore } from "./field/store.js";
import { readTexts } from "./field/texts.js";

const root = document.getElementById("public-report");
const { text, lookup } = readTexts(document.getElementById("report-strings"));
const $ = (id) => document.getElementById(id);

export const DATABASE = { name: "wushui-public-reports", version: 1 };
// Reports and their photos wait until sent; receipts (tracking codes) stay for the reporter.
export const STORES = { reports: "uuid", photos: ["report", "seq"], receipts: "uuid" };

const NEARBY_TIMEOUT_MS = 6000;
const state = { map: null, marker: null, pin: null, files: [], store: null, outbox: null };

const messageLabels = {
  unknown: text("unknown_error"),
  item: (number) => text("item", { number }),
  field: (name) => lookup(`field_${name}`) || name,
};

function notice(message, isError = false) {
  const element = $("report-notice");
  element.textContent = message || "";
  element.hidden = !message;
  element.classList.toggle("error", isError);
}

// The map's callback (components/map.html): the segment, then a pin where the map is tapped.
window.wushuiPublicMap = (map) => {
  window.wushuiDrawFeatures(map);
  state.map = map;
  map.on("click", (event) => setPin(event.latlng.lng, event.latlng.lat, text("pin_map")));
};

function setPin(lon, lat, how) {
  state.pin = [Number(lon.toFixed(6)), Number(lat.toFixed(6))];
  $("pin-text").textContent = `${how} ${state.pin[1]}, ${state.pin[0]}`;
  $("pin-text").dataset.lon = String(state.pin[0]);
  $("pin-text").dataset.lat = String(state.pin[1]);
  if (state.map && window.L) {
    if (!state.marker) {
      state.marker = window.L.circleMarker([lat, lon], { radius: 9, color: "#cf222e", weight: 3 }).addTo(state.map);
    } else {
      state.marker.setLatLng([lat, lon]);
    }
  }
}

function locate() {
  if (!navigator.geolocation) {
    notice(text("gps_failed"), true);
    return;
  }
  notice(text("locating"));
  navigator.geolocation.getCurrentPosition(
    (position) => {
      notice("");
      const { longitude, latitude, accuracy } = position.coords;
      setPin(longitude, latitude, text("pin_gps", { accuracy: Math.round(accuracy) }));
      if (state.map) {
        state.map.setView([latitude, longitude], Math.max(state.map.getZoom(), 16), { animate: false });
      }
    },
    () => notice(text("gps_failed"), true),
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 },
  );
}

function showThumbs() {
  const thumbs = $("thumbs");
  thumbs.replaceChildren(
    ...state.files.map((file) => {
      const image = document.createElement("img");
      image.src = URL.createObjectURL(file);
      image.alt = file.name;
      return image;
    }),
  );
}

function pickPhotos(event) {
  const max = Number(root.dataset.maxPhotos);
  state.files = Array.from(event.target.files || []).slice(0, max);
  if ((event.target.files || []).length > max) {
    notice(text("too_many_photos", { max }), true);
  }
  showThumbs();
}

// What the outbox sends: the endpoint's JSON (inspections/api/public.py).
function body(report) {
  return {
    client_token: report.uuid,
    board: report.board,
    category: report.category,
    description: report.description,
    location: report.location,
    contact_name: report.contact_name,
    contact_phone: report.contact_phone,
    website: report.website,
  };
}

function stateText(report) {
  const kind = state.outbox.state(report);
  if (kind === "server" && report.problem.status === 429) {
    return text("state_throttled");
  }
  if (kind === "server") {
    return text("state_server", { status: report.problem.status });
  }
  return text(`state_${kind}`);
}

function renderOutbox(outbox) {
  const list = $("outbox-list");
  const reports = outbox.items();
  $("outbox").hidden = !reports.length;
  list.replaceChildren(
    ...reports.map((report) => {
      const item = document.createElement("li");
      item.dataset.state = outbox.state(report);
      const title = document.createElement("strong");
      title.textContent = text("outbox_title", { time: new Date(report.createdAt).toLocaleString() });
      const status = document.createElement("p");
      status.textContent = stateText(report);
      item.append(title, status);
      if (report.problem && report.problem.kind === "rejected") {
        const reasons = document.createElement("ul");
        reasons.className = "error";
        report.problem.messages.forEach((message) => {
          const line = document.createElement("li");
          line.textContent = message;
          reasons.append(line);
        });
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "secondary";
        discard.textContent = text("discard");
        discard.addEventListener("click", () => outbox.discard(report.uuid));
        item.append(reasons, discard);
      }
      return item;
    }),
  );
}

async function renderReceipts() {
  const receipts = (await state.store.all("receipts").catch(() => [])).sort((a, b) => b.time - a.time);
  $("receipts").hidden = !receipts.length;
  $("receipt-list").replaceChildren(
    ...receipts.map((receipt) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = receipt.status_url;
      link.textContent = text("receipt_line", { code: receipt.tracking_code, time: new Date(receipt.time).toLocaleString() });
      item.append(link);
      return item;
    }),
  );
}

async function reportSent(report) {
  const { tracking_code, status_url } = report.server;
  const sent = $("sent");
  sent.querySelector("[data-field=code]").textContent = tracking_code;
  sent.querySelector("[data-field=link]").href = status_url;
  sent.hidden = false;
  const photoErrors = report.refusedPhotos || [];
  notice(photoErrors.join(" "), photoErrors.length > 0);
  await state.store.put("receipts", { uuid: report.uuid, tracking_code, status_url, time: Date.now() }).catch(() => {});
  await renderReceipts();
}

function readForm() {
  const form = $("report-form");
  return {
    board: root.dataset.board,
    category: form.elements.category.value,
    description: form.elements.description.value.trim(),
    location: state.pin,
    contact_name: form.elements.contact_name.value.trim(),
    contact_phone: form.elements.contact_phone.value.trim(),
    website: form.elements.website.value,
  };
}

// Open problems near the point; an empty list when the server cannot be asked (offline).
async function nearby(pin) {
  const url = `${root.dataset.nearbyUrl}?lon=${pin[0]}&lat=${pin[1]}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NEARBY_TIMEOUT_MS);
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
    return response.ok ? (await response.json()).problems : [];
  } catch (error) {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

function showNearby(problems) {
  $("nearby-list").replaceChildren(
    ...problems.map((problem) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = problem.url;
      link.textContent = text("nearby_item", problem);
      item.append(link);
      return item;
    }),
  );
  $("nearby").hidden = false;
  $("report-form").hidden = true;
  $("nearby").scrollIntoView({ block: "start" });
}

async function check(event) {
  event.preventDefault();
  const report = readForm();
  if (!report.location) {
    notice(text("need_pin"), true);
    return;
  }
  if (report.description.length < 5) {
    notice(text("need_description"), true);
    return;
  }
  notice("");
  const problems = await nearby(report.location);
  if (problems.length) {
    showNearby(problems);
  } else {
    await send();
  }
}

async function send() {
  const report = { ...readForm(), uuid: newUuid(), createdAt: Date.now() };
  $("check-report").disabled = true;
  try {
    // The photos are stored before the report is queued: the outbox sends them once the report is in.
    let seq = 0;
    for (const file of state.files) {
      try {
        const blob = await shrinkPhoto(file);
        await state.store.put("photos", { report: report.uuid, seq, blob });
        seq += 1;
      } catch (error) {
        notice(text("photo_unreadable"), true);
      }
    }
    $("nearby").hidden = true;
    $("report-form").hidden = false;
    $("report-form").reset();
    state.files = [];
    showThumbs();
    await state.outbox.add(report);
  } finally {
    $("check-report").disabled = false;
  }
}

async function start() {
  const store = await openStore(DATABASE.name, DATABASE.version, STORES);
  state.store = store;
  if (!store.persistent) {
    notice(text("storage_memory"), true);
  }
  state.outbox = createOutbox({
    store,
    items: "reports",
    photos: "photos",
    url: root.dataset.reportApi,
    body,
    photoUrl: (report) => report.server.photos_url,
    photoName: (report, photo) => `report-${report.uuid}-${photo.seq}.jpg`,
    errorMessages: (answer) => errorMessages(answer, messageLabels),
    refusedPhotoMessage: (message) => text("photo_refused", { message }),
    onChange: renderOutbox,
    onSent: reportSent,
    onStorageError: () => notice(text("storage_failed"), true),
  });
  $("report-form").addEventListener("submit", check);
  $("locate").addEventListener("click", locate);
  $("send-anyway").addEventListener("click", () => send());
  $("cancel-send").addEventListener("click", () => {
    $("nearby").hidden = true;
    $("report-form").hidden = false;
  });
  $("report-form").elements.photos.addEventListener("change", pickPhotos);
  $("retry-now").addEventListener("click", () => state.outbox.sendAll());
  state.outbox.retryWhenOnline();
  state.outbox.restore(await store.all("reports").catch(() => []));
  await renderReceipts();
  root.dataset.ready = "true";
  await state.outbox.sendAll();
}

if (root) {
  start();
}
