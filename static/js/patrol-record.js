/* Records a patrol (巡河) on a chief's phone and sends it to the patrol API.

   Offline first: the patrol is written to IndexedDB from its first position and stays there
   until the server has accepted it and every photo, so a dead zone, a reload or a flat battery
   loses nothing. Times come from Date.now() (not the fix's own timestamp) so that one clock
   rules the whole patrol, and tests can control it. */
(() => {
  "use strict";

  const root = document.getElementById("patrol-recorder");
  if (!root) {
    return;
  }

  // Fixes less precise than this say little about where the chief walked.
  const MAX_ACCURACY_M = 100;
  const PHOTO_MAX_PX = 1600;
  const PHOTO_QUALITY = 0.8;
  // The `online` event misses captive portals and flaky mobile data, so also retry on a timer.
  const RETRY_EVERY_MS = 2 * 60 * 1000;
  // The palette of map.js: the track and findings as the patrol's page draws them.
  const TRACK_COLOUR = window.wushuiColours.purple;
  const FINDING_COLOUR = window.wushuiColours.red;
  // Close enough to see which bank one walks on, far enough to see the next bend.
  const WALKING_ZOOM = 16;

  const $ = (id) => document.getElementById(id);
  const api = root.dataset.patrolsApi;

  /* ---------- Texts (translated by the template) ---------- */

  const strings = {};
  root.querySelectorAll("#patrol-strings [data-key]").forEach((element) => {
    strings[element.dataset.key] = element.textContent.trim();
  });

  function text(key, values) {
    return (strings[key] || key).replace(/\{(\w+)\}/g, (match, name) =>
      values && name in values ? String(values[name]) : match
    );
  }

  function showNotice(message, isError) {
    const notice = $("recorder-notice");
    notice.textContent = message || "";
    notice.classList.toggle("error", Boolean(isError));
    notice.hidden = !message;
  }

  /* ---------- Storage ---------- */

  // patrols: one record per patrol; points and photos: one record each, keyed [patrol uuid, seq],
  // so that recording a position writes a few bytes instead of rewriting the whole track.
  const STORES = { patrols: "uuid", points: ["patrol", "seq"], photos: ["patrol", "seq"] };

  function keyOf(storeName, record) {
    return storeName === "patrols" ? record.uuid : [record.patrol, record.seq];
  }

  function openDatabase() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("wushui-patrol-recorder", 1);
      request.onupgradeneeded = () => {
        for (const [name, keyPath] of Object.entries(STORES)) {
          request.result.createObjectStore(name, { keyPath });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function indexedDbStore(db) {
    // Resolves when the transaction commits, not when the request succeeds: only then is it on disk.
    function run(storeNames, mode, action) {
      return new Promise((resolve, reject) => {
        const transaction = db.transaction(storeNames, mode);
        const request = action(transaction);
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
    }
    const ofPatrol = (uuid) => IDBKeyRange.bound([uuid], [uuid, []]);
    return {
      put: (name, record) => run(name, "readwrite", (tx) => tx.objectStore(name).put(record)),
      all: (name) => run(name, "readonly", (tx) => tx.objectStore(name).getAll()),
      ofPatrol: (name, uuid) => run(name, "readonly", (tx) => tx.objectStore(name).getAll(ofPatrol(uuid))),
      remove: (name, record) => run(name, "readwrite", (tx) => tx.objectStore(name).delete(keyOf(name, record))),
      removePatrol: (uuid) =>
        run(Object.keys(STORES), "readwrite", (tx) => {
          tx.objectStore("patrols").delete(uuid);
          tx.objectStore("points").delete(ofPatrol(uuid));
          tx.objectStore("photos").delete(ofPatrol(uuid));
        }),
    };
  }

  // Private windows of some browsers refuse IndexedDB; recording still works while the page stays open.
  function memoryStore() {
    const data = { patrols: new Map(), points: new Map(), photos: new Map() };
    const id = (name, record) => JSON.stringify(keyOf(name, record));
    const ofPatrol = (name, uuid) => [...data[name].values()].filter((record) => record.patrol === uuid);
    return {
      put: async (name, record) => void data[name].set(id(name, record), record),
      all: async (name) => [...data[name].values()],
      ofPatrol: async (name, uuid) => ofPatrol(name, uuid).sort((a, b) => a.seq - b.seq),
      remove: async (name, record) => void data[name].delete(id(name, record)),
      removePatrol: async (uuid) => {
        data.patrols.delete(JSON.stringify(uuid));
        for (const name of ["points", "photos"]) {
          ofPatrol(name, uuid).forEach((record) => data[name].delete(id(name, record)));
        }
      },
    };
  }

  async function openStore() {
    try {
      return indexedDbStore(await openDatabase());
    } catch (error) {
      showNotice(text("storage_memory"), true);
      return memoryStore();
    }
  }

  function storageFailed() {
    showNotice(text("storage_failed"), true);
  }

  /* ---------- Small helpers ---------- */

  function newUuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    // Browsers older than randomUUID: a version 4 UUID from getRandomValues.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // Great-circle distance, for the live figure only: the server measures the track itself.
  function metresBetween([lon1, lat1], [lon2, lat2]) {
    const radians = Math.PI / 180;
    const dLat = (lat2 - lat1) * radians;
    const dLon = (lon2 - lon1) * radians;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * radians) * Math.cos(lat2 * radians) * Math.sin(dLon / 2) ** 2;
    return 6371008.8 * 2 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function trackLength(points) {
    let metres = 0;
    for (let index = 1; index < points.length; index += 1) {
      metres += metresBetween(points[index - 1], points[index]);
    }
    return metres;
  }

  function formatDuration(seconds) {
    const whole = Math.max(0, Math.floor(seconds));
    const pad = (value) => String(value).padStart(2, "0");
    return `${Math.floor(whole / 3600)}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
  }

  function formatTime(milliseconds) {
    return new Date(milliseconds).toLocaleString(document.documentElement.lang || undefined, {
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content != null) {
      node.textContent = content;
    }
    return node;
  }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    if (cookie) {
      return decodeURIComponent(cookie.slice("csrftoken=".length));
    }
    // The language form of every page carries the token when the cookie is not readable.
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* ---------- State ---------- */

  let store = null;
  // The patrol being recorded, with its track kept in memory for drawing and figures.
  // `walked` grows with each position instead of being summed again every second.
  const idle = { patrol: null, points: [], walked: 0, lastTime: 0, watchId: null, ticker: null, wakeLock: null };
  const recording = { ...idle };
  // Finished patrols not yet (fully) accepted by the server, by uuid.
  const outbox = new Map();
  // Patrols with a request in flight: the online event, the timer and the button must not send twice.
  const sending = new Set();
  const mapLayers = { map: null, track: null, here: null, findings: null };

  /* ---------- Map ---------- */

  const latLng = ([lon, lat]) => [lat, lon];

  // The map's callback (components/map.html): the segments first, then the track above them.
  window.wushuiRecorderMap = (map) => {
    window.wushuiDrawFeatures(map);
    setUpMapLayers(map);
  };

  function setUpMapLayers(map) {
    mapLayers.map = map;
    mapLayers.track = L.polyline([], { color: TRACK_COLOUR, weight: 6, opacity: 1 }).addTo(map);
    mapLayers.findings = L.layerGroup().addTo(map);
    redrawMap();
  }

  function redrawMap() {
    if (!mapLayers.map) {
      return;
    }
    mapLayers.track.setLatLngs(recording.points.map(latLng));
    mapLayers.findings.clearLayers();
    const findings = recording.patrol ? recording.patrol.findings : [];
    findings.filter((finding) => finding.location).forEach(addFindingMarker);
    if (recording.points.length) {
      moveHereMarker();
    } else if (mapLayers.here) {
      mapLayers.here.remove();
      mapLayers.here = null;
    }
  }

  function addFindingMarker(finding) {
    if (mapLayers.map && finding.location) {
      L.circleMarker(latLng(finding.location), { radius: 7, color: FINDING_COLOUR, fillOpacity: 0.8 }).addTo(
        mapLayers.findings
      );
    }
  }

  function moveHereMarker() {
    const last = recording.points[recording.points.length - 1];
    if (!mapLayers.map || !last) {
      return;
    }
    if (!mapLayers.here) {
      mapLayers.here = L.circleMarker(latLng(last), {
        radius: 8,
        color: "#fff",
        weight: 3,
        fillColor: TRACK_COLOUR,
        fillOpacity: 1,
      });
      mapLayers.here.addTo(mapLayers.map);
    }
    mapLayers.here.setLatLng(latLng(last));
    // Follow the chief only when they near the edge, so that panning by hand is not undone at once.
    if (!mapLayers.map.getBounds().pad(-0.2).contains(latLng(last))) {
      mapLayers.map.panTo(latLng(last));
    }
  }

  // The page opens on all of the chief's segments; once walking, where they are matters.
  function zoomTo(point) {
    if (mapLayers.map) {
      mapLayers.map.setView(latLng(point), Math.max(mapLayers.map.getZoom(), WALKING_ZOOM));
    }
  }

  /* ---------- Screens ---------- */

  function showScreen(name) {
    $("setup").hidden = name !== "setup";
    $("resume").hidden = name !== "resume";
    $("recording").hidden = name !== "recording";
  }

  function chosenSegment() {
    return root.querySelector("input[name=segment]:checked");
  }

  /* ---------- Recording ---------- */

  async function startPatrol() {
    const choice = chosenSegment();
    if (!choice) {
      showNotice(text("choose_segment"), true);
      return;
    }
    const patrol = {
      uuid: newUuid(),
      segment: Number(choice.value),
      segmentLabel: choice.dataset.label,
      // The rules as shown when the patrol started; the server judges with those in force when it arrives.
      minDurationMin: Number(choice.dataset.minDurationMin),
      requiredDistanceM: Number(choice.dataset.requiredDistanceM),
      startedAt: Date.now(),
      endedAt: null,
      findings: [],
      nextPhotoSeq: 0,
      state: "recording",
      server: null,
      problem: null,
      refusedPhotos: [],
    };
    try {
      await store.put("patrols", patrol);
    } catch (error) {
      storageFailed();
    }
    showNotice("");
    beginRecording(patrol, [], patrol.startedAt);
  }

  function beginRecording(patrol, points, lastTime) {
    Object.assign(recording, { patrol, points, walked: trackLength(points), lastTime });
    $("live-segment").textContent = patrol.segmentLabel;
    showScreen("recording");
    $("finish-confirm").hidden = true;
    $("recording-actions").hidden = false;
    renderFindings();
    redrawMap();
    if (points.length) {
      zoomTo(points[points.length - 1]);
    }
    updateTrackFigures();
    updateClock();
    recording.ticker = setInterval(updateClock, 1000);
    watchPosition();
    keepScreenOn();
  }

  function stopRecording() {
    if (recording.watchId !== null) {
      navigator.geolocation.clearWatch(recording.watchId);
    }
    clearInterval(recording.ticker);
    if (recording.wakeLock) {
      recording.wakeLock.release().catch(() => {});
    }
    Object.assign(recording, idle, { points: [] });
    closeFindingForm();
  }

  function watchPosition() {
    setGpsStatus(text("gps_waiting"));
    recording.watchId = navigator.geolocation.watchPosition(recordPosition, gpsFailed, {
      enableHighAccuracy: true,
      maximumAge: 0,
    });
  }

  function recordPosition(position) {
    if (!recording.patrol) {
      return;
    }
    const { longitude, latitude, accuracy } = position.coords;
    const rounded = Math.round(accuracy);
    if (accuracy > MAX_ACCURACY_M) {
      setGpsStatus(text("gps_poor", { accuracy: rounded }));
      return;
    }
    setGpsStatus(text("gps_ok", { accuracy: rounded }));
    // Seven decimals is about 1 cm: enough for GPS, and it makes "the same position" exact.
    const point = [Number(longitude.toFixed(7)), Number(latitude.toFixed(7))];
    const { points, patrol } = recording;
    const last = points[points.length - 1];
    if (last && last[0] === point[0] && last[1] === point[1]) {
      return;
    }
    // The server refuses times that go backwards; a phone clock corrected mid-patrol must not cause that.
    const time = Math.max(Date.now(), recording.lastTime);
    points.push(point);
    recording.lastTime = time;
    if (last) {
      recording.walked += metresBetween(last, point);
    }
    const record = { patrol: patrol.uuid, seq: points.length - 1, lon: point[0], lat: point[1], time };
    store.put("points", record).catch(storageFailed);
    if (mapLayers.map) {
      mapLayers.track.addLatLng(latLng(point));
      if (points.length === 1) {
        zoomTo(point);
      }
      moveHereMarker();
    }
    updateTrackFigures();
  }

  function gpsFailed(error) {
    if (error.code === error.PERMISSION_DENIED) {
      setGpsStatus(text("gps_denied"), true);
    } else {
      setGpsStatus(text("gps_unavailable"), true);
    }
  }

  function setGpsStatus(message, isError) {
    const status = $("gps-status");
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  // How far the patrol is from the rules' minimums; a patrol recorded before they were shown has none.
  const known = (value) => Number.isFinite(value) && value > 0;

  function elapsedS() {
    return (Date.now() - recording.patrol.startedAt) / 1000;
  }

  function minutesShort() {
    const minutes = recording.patrol.minDurationMin;
    return known(minutes) && elapsedS() < minutes * 60;
  }

  function metresShort() {
    const metres = recording.patrol.requiredDistanceM;
    return known(metres) && recording.walked < metres;
  }

  function showGoal(id, goal, met) {
    const stat = $(id);
    stat.querySelector("[data-goal]").textContent = goal;
    stat.classList.toggle("met", Boolean(goal) && met);
  }

  // On each position: the count, the distance and its goal.
  function updateTrackFigures() {
    const { patrol } = recording;
    $("stat-points").textContent = String(recording.points.length);
    $("stat-distance").textContent = (recording.walked / 1000).toFixed(2);
    const metres = patrol.requiredDistanceM;
    showGoal("goal-distance", known(metres) ? text("goal_km", { km: (metres / 1000).toFixed(2) }) : "", !metresShort());
  }

  // Every second: the time and its goal.
  function updateClock() {
    const { patrol } = recording;
    if (!patrol) {
      return;
    }
    $("stat-elapsed").textContent = formatDuration(elapsedS());
    const minutes = patrol.minDurationMin;
    showGoal("goal-elapsed", known(minutes) ? text("goal_minutes", { minutes }) : "", !minutesShort());
  }

  // Phones stop reporting positions to a page whose screen went dark; ask to keep it on.
  async function keepScreenOn() {
    if (!navigator.wakeLock || !recording.patrol) {
      return;
    }
    try {
      recording.wakeLock = await navigator.wakeLock.request("screen");
    } catch (error) {
      recording.wakeLock = null;
    }
  }

  /* ---------- Finishing ---------- */

  function askToFinish() {
    if (recording.points.length < 2) {
      showNotice(text("need_points"), true);
    }
    const { patrol } = recording;
    const shortfall = [];
    if (minutesShort()) {
      shortfall.push(text("short_minutes", { elapsed: Math.floor(elapsedS() / 60), minutes: patrol.minDurationMin }));
    }
    if (metresShort()) {
      shortfall.push(text("short_metres", { walked: Math.floor(recording.walked), metres: patrol.requiredDistanceM }));
    }
    const warning = $("finish-short");
    warning.replaceChildren(element("span", "", text("short_of_rules")), element("ul"));
    shortfall.forEach((item) => warning.lastChild.append(element("li", "", item)));
    warning.hidden = !shortfall.length;
    $("recording-actions").hidden = true;
    $("finish-confirm").hidden = false;
    $("confirm-finish").disabled = recording.points.length < 2;
  }

  function keepRecording() {
    $("finish-confirm").hidden = true;
    $("recording-actions").hidden = false;
    showNotice("");
  }

  async function finishPatrol() {
    const { patrol, points } = recording;
    if (!patrol || points.length < 2) {
      return;
    }
    // The server needs ended_at after started_at and after the last position.
    patrol.endedAt = Math.max(Date.now(), recording.lastTime, patrol.startedAt + 1000);
    patrol.state = "queued";
    stopRecording();
    showNotice("");
    showScreen("setup");
    outbox.set(patrol.uuid, patrol);
    try {
      await store.put("patrols", patrol);
    } catch (error) {
      storageFailed();
    }
    await sendPatrol(patrol);
  }

  async function discardPatrol(uuid) {
    if (!window.confirm(text("confirm_discard"))) {
      return false;
    }
    await store.removePatrol(uuid).catch(storageFailed);
    outbox.delete(uuid);
    renderOutbox();
    return true;
  }

  async function discardRecording() {
    const { patrol } = recording;
    if (patrol && (await discardPatrol(patrol.uuid))) {
      stopRecording();
      redrawMap();
      showNotice("");
      showScreen("setup");
    }
  }

  /* ---------- Findings ---------- */

  // The finding being written: its photos (already shrunk), how many are still being shrunk, and
  // whether it is being saved. A new object per form, so a late photo never lands in the next one.
  let draft = { photos: [], preparing: 0, saving: false };

  function openFindingForm() {
    const form = $("finding-form");
    form.reset();
    draft.photos.forEach((photo) => URL.revokeObjectURL(photo.url));
    draft = { photos: [], preparing: 0, saving: false };
    $("finding-thumbs").replaceChildren();
    form.elements.at_position.disabled = recording.points.length === 0;
    form.elements.at_position.checked = recording.points.length > 0;
    updateSaveButton();
    $("recording-actions").hidden = true;
    form.hidden = false;
    form.scrollIntoView({ block: "start" });
  }

  function closeFindingForm() {
    $("finding-form").hidden = true;
    $("recording-actions").hidden = false;
  }

  function updateSaveButton() {
    const save = $("save-finding");
    save.disabled = draft.preparing > 0 || draft.saving;
    save.textContent = draft.preparing > 0 ? text("photos_preparing") : save.dataset.label;
  }

  async function addPhotos(event) {
    const files = Array.from(event.target.files || []);
    // Clear the input so choosing the same photo again still fires `change`.
    event.target.value = "";
    const target = draft;
    for (const file of files) {
      target.preparing += 1;
      updateSaveButton();
      try {
        const blob = await shrinkPhoto(file);
        if (target !== draft) {
          continue;
        }
        const url = URL.createObjectURL(blob);
        target.photos.push({ blob, url });
        const thumb = element("img");
        thumb.src = url;
        thumb.alt = "";
        $("finding-thumbs").append(thumb);
      } catch (error) {
        showNotice(text("photo_unreadable"), true);
      } finally {
        target.preparing -= 1;
        updateSaveButton();
      }
    }
  }

  // Phone cameras take 12+ megapixel photos; 1600 px JPEG keeps what an inspector needs at a
  // tenth of the bytes, which matters on mobile data and for the server's size limit.
  async function shrinkPhoto(file) {
    const source = URL.createObjectURL(file);
    try {
      const image = new Image();
      image.src = source;
      await image.decode();
      const scale = Math.min(1, PHOTO_MAX_PX / Math.max(image.naturalWidth, image.naturalHeight));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(image.naturalWidth * scale);
      canvas.height = Math.round(image.naturalHeight * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      return await new Promise((resolve, reject) => {
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no JPEG"))), "image/jpeg", PHOTO_QUALITY);
      });
    } finally {
      URL.revokeObjectURL(source);
    }
  }

  async function saveFinding(event) {
    event.preventDefault();
    const { patrol, points } = recording;
    if (!patrol || draft.preparing > 0 || draft.saving) {
      return;
    }
    // A second tap while the phone is still writing must not save the finding twice.
    draft.saving = true;
    updateSaveButton();
    const fields = event.target.elements;
    const index = patrol.findings.length;
    const finding = {
      category: fields.category.value,
      note: fields.note.value.trim(),
      location: fields.at_position.checked && points.length ? points[points.length - 1] : null,
      is_problem: fields.is_problem.checked,
      photos: draft.photos.length,
    };
    try {
      // Photos first: a stray photo without its finding is sent as a photo of the patrol, while
      // a finding saved without its photos would lose them silently.
      for (const photo of draft.photos) {
        const seq = patrol.nextPhotoSeq;
        patrol.nextPhotoSeq += 1;
        await store.put("photos", { patrol: patrol.uuid, seq, finding: index, blob: photo.blob });
      }
      patrol.findings.push(finding);
      await store.put("patrols", patrol);
    } catch (error) {
      storageFailed();
      if (!patrol.findings.includes(finding)) {
        patrol.findings.push(finding);
      }
    }
    closeFindingForm();
    renderFindings();
    addFindingMarker(finding);
  }

  function renderFindings() {
    const list = $("finding-list");
    list.replaceChildren();
    const categories = categoryLabels();
    for (const finding of recording.patrol ? recording.patrol.findings : []) {
      const item = element("li", finding.is_problem ? "problem" : "");
      item.append(element("strong", "", categories[finding.category] || finding.category));
      if (finding.note) {
        item.append(element("div", "", finding.note));
      }
      const meta = [];
      if (finding.is_problem) {
        meta.push(text("finding_problem"));
      }
      if (finding.location) {
        meta.push(text("finding_position"));
      }
      if (finding.photos) {
        meta.push(text("finding_photos", { count: finding.photos }));
      }
      item.append(element("div", "meta", meta.join(" · ")));
      list.append(item);
    }
  }

  function categoryLabels() {
    const labels = {};
    $("finding-form").elements.category.querySelectorAll("option").forEach((option) => {
      labels[option.value] = option.textContent;
    });
    return labels;
  }

  /* ---------- Sending ---------- */

  function submission(patrol, points) {
    return {
      client_uuid: patrol.uuid,
      segment: patrol.segment,
      source: "web",
      started_at: new Date(patrol.startedAt).toISOString(),
      ended_at: new Date(patrol.endedAt).toISOString(),
      track: { type: "LineString", coordinates: points.map((point) => [point.lon, point.lat]) },
      track_times: points.map((point) => new Date(point.time).toISOString()),
      findings: patrol.findings.map(({ category, note, location, is_problem }) => ({
        category,
        note,
        location,
        is_problem,
      })),
    };
  }

  // A rejected promise means the request never got an answer (offline, connection reset): retry later.
  function post(url, body, headers) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(), ...headers },
      body,
    });
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  // What went wrong with an answer that is not a success, in the shape kept on the patrol.
  async function problemOf(response) {
    if (response.status === 400) {
      return { kind: "rejected", messages: errorMessages(await readJson(response)) };
    }
    if (response.status === 401 || response.status === 403) {
      return { kind: "signin" };
    }
    return { kind: "server", status: response.status };
  }

  // The API's error shape: {"error": {"status", "code", "message", "fields": {...}}}, where fields
  // nest like the request (findings by index).
  function errorMessages(body) {
    const error = body && body.error;
    if (!error) {
      return [text("unknown_error")];
    }
    const messages = [];
    collectMessages(error.fields, [], messages);
    return messages.length ? messages : [error.message || text("unknown_error")];
  }

  function collectMessages(value, labels, messages) {
    if (value == null) {
      return;
    }
    if (typeof value !== "object") {
      messages.push(labels.length ? `${labels.join(" › ")}: ${value}` : String(value));
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const isEntry = item !== null && typeof item === "object" && !Array.isArray(item);
        collectMessages(item, isEntry ? [...labels, text("item", { number: index + 1 })] : labels, messages);
      });
    } else {
      for (const [key, item] of Object.entries(value)) {
        const label = /^\d+$/.test(key) ? text("item", { number: Number(key) + 1 }) : fieldLabel(key);
        collectMessages(item, [...labels, label], messages);
      }
    }
  }

  function fieldLabel(name) {
    return strings[`field_${name}`] || name;
  }

  // Automatic retries leave refused patrols alone: the same request gets the same answer. The
  // chief's "Retry now" and a page load try them again, in case the cause was fixed meanwhile.
  async function sendQueued({ automatic = false } = {}) {
    for (const patrol of outbox.values()) {
      if (!(automatic && patrol.problem && patrol.problem.kind === "rejected")) {
        await sendPatrol(patrol);
      }
    }
  }

  function retryAutomatically() {
    if (outbox.size && navigator.onLine !== false) {
      sendQueued({ automatic: true });
    }
  }

  async function sendPatrol(patrol) {
    if (sending.has(patrol.uuid)) {
      return;
    }
    sending.add(patrol.uuid);
    renderOutbox();
    try {
      patrol.problem = (await createOnServer(patrol)) || (await uploadPhotos(patrol));
    } catch (error) {
      patrol.problem = { kind: "pending" };
    } finally {
      sending.delete(patrol.uuid);
    }
    if (patrol.problem) {
      await store.put("patrols", patrol).catch(storageFailed);
    } else {
      await store.removePatrol(patrol.uuid).catch(storageFailed);
      outbox.delete(patrol.uuid);
      showVerdict(patrol);
    }
    renderOutbox();
  }

  // POSTs the patrol unless the server already has it; a replay of the same uuid is answered
  // 200 with the stored patrol, so a lost answer is safe to retry.
  async function createOnServer(patrol) {
    if (patrol.server) {
      return null;
    }
    const points = await store.ofPatrol("points", patrol.uuid);
    const response = await post(api, JSON.stringify(submission(patrol, points)), {
      "Content-Type": "application/json",
    });
    if (!response.ok) {
      return problemOf(response);
    }
    patrol.server = await readJson(response);
    // Kept at once: the photos must go to this id even if the page dies before they are sent.
    await store.put("patrols", patrol).catch(storageFailed);
    return null;
  }

  // Each photo record is deleted once the server has it, so it is never sent twice.
  async function uploadPhotos(patrol) {
    const photos = await store.ofPatrol("photos", patrol.uuid);
    const findings = patrol.server.findings || [];
    for (const photo of photos) {
      const form = new FormData();
      form.append("image", photo.blob, `patrol-${patrol.uuid}-${photo.seq}.jpg`);
      // The same key on a re-send lets the server answer with the photo it already has.
      form.append("client_key", `${patrol.uuid}-${photo.seq}`);
      const finding = findings[photo.finding];
      if (finding) {
        form.append("finding", String(finding.id));
      }
      const response = await post(`${api}${patrol.server.id}/photos/`, form, {});
      if (response.status === 400) {
        // The server will never take this one (format, size): report it and move on.
        errorMessages(await readJson(response)).forEach((message) => {
          patrol.refusedPhotos.push(text("photo_refused", { message }));
        });
      } else if (!response.ok) {
        return problemOf(response);
      }
      await store.remove("photos", photo);
    }
    return null;
  }

  /* ---------- Outbox and verdict ---------- */

  function outboxState(patrol) {
    if (sending.has(patrol.uuid)) {
      return "sending";
    }
    if (!patrol.problem) {
      return "sending";
    }
    if (patrol.problem.kind === "pending" && patrol.server) {
      return "photos";
    }
    return patrol.problem.kind;
  }

  function renderOutbox() {
    const list = $("outbox-list");
    list.replaceChildren();
    for (const patrol of outbox.values()) {
      list.append(outboxItem(patrol));
    }
    $("outbox").hidden = outbox.size === 0;
  }

  function outboxItem(patrol) {
    const state = outboxState(patrol);
    const item = element("li");
    item.dataset.state = state;
    item.append(
      element("strong", "", text("outbox_title", { segment: patrol.segmentLabel, time: formatTime(patrol.startedAt) }))
    );
    const messages = {
      sending: text("state_sending"),
      pending: text("state_pending"),
      photos: text("state_photos"),
      rejected: text("state_rejected"),
      signin: text("state_signin"),
      server: text("state_server", { status: patrol.problem && patrol.problem.status }),
    };
    item.append(element("span", "state", messages[state]));
    if (state === "rejected") {
      const reasons = element("ul");
      patrol.problem.messages.forEach((message) => reasons.append(element("li", "", message)));
      const discard = element("button", "danger", text("discard"));
      discard.type = "button";
      discard.addEventListener("click", () => discardPatrol(patrol.uuid));
      item.append(reasons, discard);
    }
    if (state === "signin") {
      const link = element("a", "", text("sign_in"));
      link.href = root.dataset.loginUrl;
      item.append(link);
    }
    return item;
  }

  function showVerdict(patrol) {
    const result = patrol.server;
    const card = $("verdict-template").content.firstElementChild.cloneNode(true);
    const field = (name) => card.querySelector(`[data-field="${name}"]`);
    card.classList.add(result.is_valid ? "valid" : "invalid");
    card.dataset.valid = String(result.is_valid);
    card.dataset.patrolId = String(result.id);
    field("title").textContent = result.is_valid ? text("verdict_valid") : text("verdict_invalid");
    field("segment").textContent = text("outbox_title", {
      segment: patrol.segmentLabel,
      time: formatTime(patrol.startedAt),
    });
    (result.invalid_reasons || []).forEach((reason) => field("reasons").append(element("li", "", reason.message)));
    field("distance").textContent = `${(result.distance_m / 1000).toFixed(2)} km`;
    field("duration").textContent = formatDuration(result.duration_s);
    field("coverage").textContent = `${Math.round(result.coverage * 100)} %`;
    const findings = result.findings || [];
    field("findings").textContent = text("verdict_findings", {
      findings: findings.length,
      problems: findings.filter((finding) => finding.problem).length,
    });
    patrol.refusedPhotos.forEach((message) => field("photo-errors").append(element("li", "", message)));
    field("link").href = result.url;
    $("verdicts").prepend(card);
    card.scrollIntoView({ block: "start" });
  }

  /* ---------- Start-up ---------- */

  async function offerToResume(patrol) {
    const points = await store.ofPatrol("points", patrol.uuid);
    $("resume-text").textContent = text("resume_text", {
      segment: patrol.segmentLabel,
      time: formatTime(patrol.startedAt),
      points: points.length,
    });
    showScreen("resume");
    $("resume-patrol").onclick = () => {
      showNotice("");
      const lastTime = points.length ? points[points.length - 1].time : patrol.startedAt;
      beginRecording(
        patrol,
        points.map((point) => [point.lon, point.lat]),
        lastTime
      );
    };
    $("discard-unfinished").onclick = async () => {
      if (await discardPatrol(patrol.uuid)) {
        showScreen("setup");
      }
    };
  }

  function bindControls() {
    $("start-patrol").addEventListener("click", startPatrol);
    $("add-finding").addEventListener("click", openFindingForm);
    $("cancel-finding").addEventListener("click", closeFindingForm);
    $("finding-form").addEventListener("submit", saveFinding);
    $("finding-form").elements.photos.addEventListener("change", addPhotos);
    $("save-finding").dataset.label = $("save-finding").textContent;
    $("finish-patrol").addEventListener("click", askToFinish);
    $("keep-recording").addEventListener("click", keepRecording);
    $("confirm-finish").addEventListener("click", finishPatrol);
    $("discard-recording").addEventListener("click", discardRecording);
    $("retry-now").addEventListener("click", () => sendQueued());
    window.addEventListener("online", retryAutomatically);
    setInterval(retryAutomatically, RETRY_EVERY_MS);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        keepScreenOn();
      }
    });
  }

  /* ---------- Opening without network ---------- */

  // The page's scripts and styles, and what they loaded in turn (images of the map's styles).
  function staticFiles() {
    const linked = [...document.querySelectorAll("script[src], link[rel=stylesheet][href]")].map(
      (node) => node.src || node.href
    );
    const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
    const files = [...linked, ...loaded]
      .map((address) => new URL(address, window.location.href))
      .filter((url) => url.origin === window.location.origin && url.pathname.startsWith(root.dataset.staticUrl))
      .map((url) => url.href);
    return [...new Set(files)];
  }

  // The service worker keeps a copy of each answer it sees, but on the first visit this page and
  // its files loaded before it existed: store them now, while online, so that the next opening
  // works in a dead zone. Files of earlier versions that this page no longer uses are dropped.
  async function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) {
      return;
    }
    if (document.readyState !== "complete") {
      await new Promise((resolve) => {
        window.addEventListener("load", resolve, { once: true });
      });
    }
    try {
      const cache = await caches.open(root.dataset.offlineCache);
      const files = staticFiles();
      if (!navigator.serviceWorker.controller && navigator.onLine) {
        await navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: window.location.pathname });
        await cache.add(window.location.pathname);
        // One missing image must not cost the rest.
        await Promise.allSettled(files.map((file) => cache.add(file)));
      }
      const current = new Set(files);
      const keys = await cache.keys();
      await Promise.all(
        keys
          .filter((request) => new URL(request.url).pathname.startsWith(root.dataset.staticUrl))
          .filter((request) => !current.has(request.url))
          .map((request) => cache.delete(request))
      );
      await navigator.serviceWorker.ready;
      root.dataset.offlineReady = "true";
    } catch (error) {
      // Without a copy the page still works online; nothing to tell the chief.
    }
  }

  async function start() {
    keepForOffline();
    if (!navigator.geolocation || !window.isSecureContext) {
      showNotice(text("gps_unsupported"), true);
      $("start-patrol").disabled = true;
    }
    bindControls();
    store = await openStore();
    const patrols = await store.all("patrols").catch(() => []);
    patrols.filter((patrol) => patrol.state !== "recording").forEach((patrol) => outbox.set(patrol.uuid, patrol));
    renderOutbox();
    const unfinished = patrols.find((patrol) => patrol.state === "recording");
    if (unfinished) {
      await offerToResume(unfinished);
    } else {
      showScreen("setup");
    }
    await sendQueued();
  }

  start();
})();
