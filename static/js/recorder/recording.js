/* Recording a patrol: starting or resuming one, each position the phone reports, keeping the
   screen on, and finishing (into the outbox) or discarding it.

   Times come from Date.now() (not the fix's own timestamp) so that one clock rules the whole
   patrol, and tests can control it. Each position goes to the store as it arrives. */

import { metresBetween, trackLength, watchPositions } from "../field/geolocation.js";
import { newUuid } from "../field/outbox.js";
import { closeFindingForm, renderFindings } from "./findings.js";
import { $, element, formatTime, root, showNotice, showScreen, storageFailed, text } from "./page.js";
import { shortfall, updateClock, updateTrackFigures } from "./progress.js";
import { outbox, recording, resetRecording, store } from "./state.js";
import { addTrackPoint, redrawMap, zoomTo } from "./track-map.js";

export function bindRecordingControls() {
  $("start-patrol").addEventListener("click", startPatrol);
  $("finish-patrol").addEventListener("click", askToFinish);
  $("keep-recording").addEventListener("click", keepRecording);
  $("confirm-finish").addEventListener("click", finishPatrol);
  $("discard-recording").addEventListener("click", discardRecording);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      keepScreenOn();
    }
  });
}

function chosenSegment() {
  return root.querySelector("input[name=segment]:checked");
}

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
  setGpsStatus(text("gps_waiting"));
  recording.stopWatching = watchPositions({
    last: () => recording.points[recording.points.length - 1],
    onFix: recordFix,
    onError: (kind) => setGpsStatus(text(kind === "denied" ? "gps_denied" : "gps_unavailable"), true),
  });
  keepScreenOn();
}

function stopRecording() {
  if (recording.stopWatching) {
    recording.stopWatching();
  }
  clearInterval(recording.ticker);
  if (recording.wakeLock) {
    recording.wakeLock.release().catch(() => {});
  }
  resetRecording();
  closeFindingForm();
}

function recordFix({ accuracy, precise, point }) {
  if (!recording.patrol) {
    return;
  }
  setGpsStatus(text(precise ? "gps_ok" : "gps_poor", { accuracy }));
  if (!point) {
    return;
  }
  const { points, patrol } = recording;
  const last = points[points.length - 1];
  // The server refuses times that go backwards; a phone clock corrected mid-patrol must not cause that.
  const time = Math.max(Date.now(), recording.lastTime);
  points.push(point);
  recording.lastTime = time;
  if (last) {
    recording.walked += metresBetween(last, point);
  }
  const record = { patrol: patrol.uuid, seq: points.length - 1, lon: point[0], lat: point[1], time };
  store.put("points", record).catch(storageFailed);
  addTrackPoint(point);
  updateTrackFigures();
}

function setGpsStatus(message, isError) {
  const status = $("gps-status");
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
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

function askToFinish() {
  if (recording.points.length < 2) {
    showNotice(text("need_points"), true);
  }
  const lines = shortfall();
  const warning = $("finish-short");
  warning.replaceChildren(element("span", "", text("short_of_rules")), element("ul"));
  lines.forEach((line) => warning.lastChild.append(element("li", "", line)));
  warning.hidden = !lines.length;
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
  await outbox.add(patrol);
}

// A patrol, queued or being recorded, with its track, findings and photos; once the chief agrees.
export async function discardPatrol(uuid) {
  if (!window.confirm(text("confirm_discard"))) {
    return false;
  }
  await outbox.discard(uuid);
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

// A patrol the page was closed on while recording.
export async function offerToResume(patrol) {
  const points = await store.partsOf("points", patrol.uuid);
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
