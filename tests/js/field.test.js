/* The pure parts of the other shared field modules (static/js/field/): `node --test tests/js/`. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { errorMessages } from "../../static/js/field/api.js";
import { judgeFix, metresBetween, trackLength } from "../../static/js/field/geolocation.js";
import { memoryStore } from "../../static/js/field/store.js";
import { format } from "../../static/js/field/texts.js";

test("a fix too imprecise gives no position, its accuracy rounded", () => {
  assert.deepEqual(judgeFix({ longitude: 120.75, latitude: 27.9, accuracy: 250.4 }, null), {
    accuracy: 250,
    precise: false,
    point: null,
  });
});

test("a precise fix gives its position to seven decimals, unless it repeats the last one", () => {
  const fix = { longitude: 120.123456789, latitude: 27.987654321, accuracy: 8.6 };
  assert.deepEqual(judgeFix(fix, null), { accuracy: 9, precise: true, point: [120.1234568, 27.9876543] });
  assert.deepEqual(judgeFix(fix, [120.1234568, 27.9876543]), { accuracy: 9, precise: true, point: null });
});

test("distances are great-circle metres, summed along a track", () => {
  const oneDegreeOfLatitude = metresBetween([120, 27], [120, 28]);
  assert.ok(Math.abs(oneDegreeOfLatitude - 111_195) < 1, oneDegreeOfLatitude);
  assert.equal(trackLength([[120, 27]]), 0);
  assert.ok(Math.abs(trackLength([[120, 27], [120, 27.5], [120, 28]]) - oneDegreeOfLatitude) < 1e-6);
});

test("error messages name the field and the entry of a list they belong to", () => {
  const labels = { unknown: "No reason", item: (number) => `no. ${number}`, field: (name) => name.toUpperCase() };
  const body = {
    error: {
      message: "Invalid",
      fields: { track: ["Too short"], findings: [{}, { note: ["Too long"] }], non_field_errors: "Late" },
    },
  };
  assert.deepEqual(errorMessages(body, labels), [
    "TRACK: Too short",
    "FINDINGS › no. 2 › NOTE: Too long",
    "NON_FIELD_ERRORS: Late",
  ]);
  assert.deepEqual(errorMessages({ error: { message: "Invalid" } }, labels), ["Invalid"]);
  assert.deepEqual(errorMessages(null, labels), ["No reason"]);
});

test("texts fill in the values they are given and leave the others marked", () => {
  assert.equal(format("{segment}, started {time}", { segment: "A1 reach" }), "A1 reach, started {time}");
});

test("the memory store keeps parts in order and removes an item with its parts", async () => {
  const store = memoryStore({ patrols: "uuid", points: ["patrol", "seq"] });
  await store.put("patrols", { uuid: "a" });
  await store.put("patrols", { uuid: "b" });
  for (const seq of [2, 0, 1]) {
    await store.put("points", { patrol: "a", seq });
  }
  await store.put("points", { patrol: "b", seq: 0 });

  assert.deepEqual(
    (await store.partsOf("points", "a")).map((point) => point.seq),
    [0, 1, 2]
  );
  await store.removeWithParts("patrols", "a");
  assert.deepEqual(await store.all("patrols"), [{ uuid: "b" }]);
  assert.deepEqual(await store.all("points"), [{ patrol: "b", seq: 0 }]);
  assert.equal(store.persistent, false);
});
