/* What the recorder's modules share: the patrol being recorded, and the store and outbox the
   page opens at start-up (live bindings: set once by patrol-record.js, read by the others). */

// The patrol being recorded, with its track kept in memory for drawing and figures. `walked`
// grows with each position instead of being summed again every second; `stopWatching` ends the
// position watch.
const idle = { patrol: null, points: [], walked: 0, lastTime: 0, stopWatching: null, ticker: null, wakeLock: null };

export const recording = { ...idle };

export function resetRecording() {
  Object.assign(recording, idle, { points: [] });
}

export let store = null;
export let outbox = null;

export function useStorage(openedStore, patrolOutbox) {
  store = openedStore;
  outbox = patrolOutbox;
}
