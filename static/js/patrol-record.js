/* Records a patrol (巡河) on a chief's phone and sends it to the patrol API.

   Offline first: the patrol is written to IndexedDB from its first position and stays there
   until the server has accepted it and every photo, so a dead zone, a reload or a flat battery
   loses nothing.

   Native ES modules, no bundler: each file has one job and names what it takes from the
   others, which classic scripts sharing globals could only say in comments, and Node's test
   runner imports the shared ones as they are (tests/js). Every browser the single script of
   before ran in (it needed Promise.allSettled: Chrome 76, Safari 13) runs modules. What a page
   without the recorder needs lives in field/ (the coming public problem report takes the outbox,
   the store and the photo shrinking from there); recorder/ holds this page's screen. Every module
   is also a <link rel="modulepreload"> of the page (templates/inspections/patrol_record.html), so
   that all load at once and all are in the offline copy; in production the imports name the
   hashed files that {% static %} names (wushui/storage.py).

   This file puts the page together: the map's callback, the controls, and the start-up. */

import { canWatchPositions } from "./field/geolocation.js";
import { openStore } from "./field/store.js";
import { bindFindingForm } from "./recorder/findings.js";
import { keepForOffline } from "./recorder/offline-copy.js";
import { $, root, showNotice, showScreen, text } from "./recorder/page.js";
import { DATABASE, STORES, createPatrolOutbox } from "./recorder/patrol-outbox.js";
import { bindRecordingControls, offerToResume } from "./recorder/recording.js";
import { useStorage } from "./recorder/state.js";
import { attachTo } from "./recorder/track-map.js";

// The map's callback (components/map.html): the segments first, then the track above them.
window.wushuiRecorderMap = (map) => {
  window.wushuiDrawFeatures(map);
  attachTo(map);
};

async function start() {
  keepForOffline(root);
  if (!canWatchPositions()) {
    showNotice(text("gps_unsupported"), true);
    $("start-patrol").disabled = true;
  }
  bindRecordingControls();
  bindFindingForm();
  const store = await openStore(DATABASE.name, DATABASE.version, STORES);
  if (!store.persistent) {
    showNotice(text("storage_memory"), true);
  }
  const outbox = createPatrolOutbox(store);
  useStorage(store, outbox);
  $("retry-now").addEventListener("click", () => outbox.sendAll());
  outbox.retryWhenOnline();
  const patrols = await store.all("patrols").catch(() => []);
  outbox.restore(patrols.filter((patrol) => patrol.state !== "recording"));
  const unfinished = patrols.find((patrol) => patrol.state === "recording");
  if (unfinished) {
    await offerToResume(unfinished);
  } else {
    showScreen("setup");
  }
  await outbox.sendAll();
}

// The page carries the recorder only for a chief with segments to patrol.
if (root) {
  start();
}
