/* The phone's position: watching it, keeping only fixes worth recording, and the distance
   between positions. Positions are [longitude, latitude], as in GeoJSON. */

// Fixes less precise than this say little about where someone walked.
export const MAX_ACCURACY_M = 100;

// Browsers share the position with secure (https) pages only.
export function canWatchPositions() {
  return Boolean(navigator.geolocation) && window.isSecureContext;
}

/* What a fix brings to a track that ends at `last`: its accuracy in whole metres, whether it is
   precise enough, and the position to record, which is null when it is imprecise or the same as
   `last`. Seven decimals is about 1 cm: enough for GPS, and it makes "the same position" exact. */
export function judgeFix({ longitude, latitude, accuracy }, last, maxAccuracyM = MAX_ACCURACY_M) {
  const rounded = Math.round(accuracy);
  if (accuracy > maxAccuracyM) {
    return { accuracy: rounded, precise: false, point: null };
  }
  const point = [Number(longitude.toFixed(7)), Number(latitude.toFixed(7))];
  const repeated = Boolean(last) && last[0] === point[0] && last[1] === point[1];
  return { accuracy: rounded, precise: true, point: repeated ? null : point };
}

/* Calls onFix with judgeFix's answer for every fix, judged against last() (the track's end as
   the caller keeps it), and onError with "denied" or "unavailable". Returns the function that
   stops watching. */
export function watchPositions({ last, onFix, onError, maxAccuracyM = MAX_ACCURACY_M }) {
  const watchId = navigator.geolocation.watchPosition(
    (position) => onFix(judgeFix(position.coords, last(), maxAccuracyM)),
    (error) => onError(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable"),
    { enableHighAccuracy: true, maximumAge: 0 }
  );
  return () => navigator.geolocation.clearWatch(watchId);
}

// Great-circle distance, for live figures only: the server measures tracks itself.
export function metresBetween([lon1, lat1], [lon2, lat2]) {
  const radians = Math.PI / 180;
  const dLat = (lat2 - lat1) * radians;
  const dLon = (lon2 - lon1) * radians;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * radians) * Math.cos(lat2 * radians) * Math.sin(dLon / 2) ** 2;
  return 6371008.8 * 2 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function trackLength(points) {
  let metres = 0;
  for (let index = 1; index < points.length; index += 1) {
    metres += metresBetween(points[index - 1], points[index]);
  }
  return metres;
}
