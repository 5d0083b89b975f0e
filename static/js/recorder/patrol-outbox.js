/* What the recorder's outbox sends for a patrol: the patrol API's JSON (client_uuid, track with
   its times, findings), then each photo to the patrol the server made, with its finding. */

import { errorMessages } from "../field/api.js";
import { createOutbox } from "../field/outbox.js";
import { renderOutbox, showVerdict } from "./outbox-list.js";
import { lookup, root, storageFailed, text } from "./page.js";

// The patrol's record and its parts: one record per position and per photo, keyed [uuid, seq].
export const DATABASE = { name: "wushui-patrol-recorder", version: 1 };
export const STORES = { patrols: "uuid", points: ["patrol", "seq"], photos: ["patrol", "seq"] };

const messageLabels = {
  unknown: text("unknown_error"),
  item: (number) => text("item", { number }),
  field: (name) => lookup(`field_${name}`) || name,
};

export function createPatrolOutbox(store) {
  const api = root.dataset.patrolsApi;
  return createOutbox({
    store,
    items: "patrols",
    photos: "photos",
    url: api,
    body: async (patrol) => submission(patrol, await store.partsOf("points", patrol.uuid)),
    photoUrl: (patrol) => `${api}${patrol.server.id}/photos/`,
    photoFields: (patrol, photo) => {
      const finding = (patrol.server.findings || [])[photo.finding];
      return finding ? { finding: String(finding.id) } : {};
    },
    photoName: (patrol, photo) => `patrol-${patrol.uuid}-${photo.seq}.jpg`,
    errorMessages: (body) => errorMessages(body, messageLabels),
    refusedPhotoMessage: (message) => text("photo_refused", { message }),
    onChange: renderOutbox,
    onSent: showVerdict,
    onStorageError: storageFailed,
  });
}

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
