/* The recorder's map: the track walked so far, where the chief is, and the findings, drawn over
   the chief's segments (components/map.html draws those first, then calls attachTo). */

import { recording } from "./state.js";

// The palette of map.js: the track and findings as the patrol's page draws them.
const TRACK_COLOUR = window.wushuiColours.purple;
const FINDING_COLOUR = window.wushuiColours.red;
// Close enough to see which bank one walks on, far enough to see the next bend.
const WALKING_ZOOM = 16;

const layers = { map: null, track: null, here: null, findings: null };

const latLng = ([lon, lat]) => [lat, lon];

export function attachTo(map) {
  layers.map = map;
  layers.track = L.polyline([], { color: TRACK_COLOUR, weight: 6, opacity: 1 }).addTo(map);
  layers.findings = L.layerGroup().addTo(map);
  redrawMap();
}

// The whole patrol again: on starting, resuming or discarding one.
export function redrawMap() {
  if (!layers.map) {
    return;
  }
  layers.track.setLatLngs(recording.points.map(latLng));
  layers.findings.clearLayers();
  const findings = recording.patrol ? recording.patrol.findings : [];
  findings.filter((finding) => finding.location).forEach(addFindingMarker);
  if (recording.points.length) {
    moveHereMarker();
  } else if (layers.here) {
    layers.here.remove();
    layers.here = null;
  }
}

// The position just recorded, the last of recording.points.
export function addTrackPoint(point) {
  if (!layers.map) {
    return;
  }
  layers.track.addLatLng(latLng(point));
  if (recording.points.length === 1) {
    zoomTo(point);
  }
  moveHereMarker();
}

export function addFindingMarker(finding) {
  if (layers.map && finding.location) {
    L.circleMarker(latLng(finding.location), { radius: 7, color: FINDING_COLOUR, fillOpacity: 0.8 }).addTo(
      layers.findings
    );
  }
}

function moveHereMarker() {
  const last = recording.points[recording.points.length - 1];
  if (!layers.map || !last) {
    return;
  }
  if (!layers.here) {
    layers.here = L.circleMarker(latLng(last), {
      radius: 8,
      color: "#fff",
      weight: 3,
      fillColor: TRACK_COLOUR,
      fillOpacity: 1,
    });
    layers.here.addTo(layers.map);
  }
  layers.here.setLatLng(latLng(last));
  // Follow the chief only when they near the edge, so that panning by hand is not undone at once.
  if (!layers.map.getBounds().pad(-0.2).contains(latLng(last))) {
    layers.map.panTo(latLng(last));
  }
}

// The page opens on all of the chief's segments; once walking, where they are matters.
export function zoomTo(point) {
  if (layers.map) {
    layers.map.setView(latLng(point), Math.max(layers.map.getZoom(), WALKING_ZOOM));
  }
}
