/* The outbox's send-once logic (static/js/field/outbox.js), on the in-memory store and a fake
   server: `node --test tests/js/` (make test runs it). */

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";

import { createOutbox, newUuid } from "../../static/js/field/outbox.js";
import { memoryStore } from "../../static/js/field/store.js";

const STORES = { reports: "uuid", photos: ["report", "seq"] };

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/* A server that answers each POST with the next of `answers` (a Response, or an Error for a
   request that never got an answer) and records what it was sent. */
function fakeServer(answers) {
  const requests = [];
  const post = async (url, body) => {
    requests.push({ url, body });
    const answer = answers.shift();
    if (!answer || answer instanceof Error) {
      throw answer || new Error("no answer");
    }
    return answer;
  };
  return { post, requests };
}

function outboxOn(server, store, options = {}) {
  const sent = [];
  const outbox = createOutbox({
    store,
    items: "reports",
    photos: "photos",
    url: "/api/reports/",
    body: (report) => ({ client_uuid: report.uuid, note: report.note }),
    photoUrl: (report) => `/api/reports/${report.server.id}/photos/`,
    photoFields: (report, photo) => ({ caption: photo.caption }),
    errorMessages: (body) => [body.error.message],
    refusedPhotoMessage: (message) => `refused: ${message}`,
    onSent: (report) => sent.push(report),
    post: server.post,
    ...options,
  });
  return { outbox, sent };
}

async function queuedReport(store, photoCount) {
  const report = { uuid: newUuid(), note: "Foam below the sluice" };
  for (let seq = 0; seq < photoCount; seq += 1) {
    await store.put("photos", { report: report.uuid, seq, caption: `photo ${seq}`, blob: new Blob(["jpeg"]) });
  }
  return report;
}

const created = () => json(201, { id: 7 });
const photoTaken = () => json(201, {});
const photoRequests = (server) => server.requests.filter((request) => request.body instanceof FormData);

describe("outbox", () => {
  let store;
  beforeEach(() => {
    store = memoryStore(STORES);
  });

  test("an item is posted once, then each photo once, and then leaves the phone", async () => {
    const server = fakeServer([created(), photoTaken(), photoTaken()]);
    const { outbox, sent } = outboxOn(server, store);
    const report = await queuedReport(store, 2);

    await outbox.add(report);

    assert.equal(server.requests.length, 3);
    assert.deepEqual(JSON.parse(server.requests[0].body), { client_uuid: report.uuid, note: report.note });
    const photos = photoRequests(server);
    assert.deepEqual(
      photos.map((request) => [request.url, request.body.get("client_key"), request.body.get("caption")]),
      [
        ["/api/reports/7/photos/", `${report.uuid}-0`, "photo 0"],
        ["/api/reports/7/photos/", `${report.uuid}-1`, "photo 1"],
      ]
    );
    assert.deepEqual(sent, [report]);
    assert.equal(outbox.size, 0);
    assert.deepEqual(await store.all("reports"), []);
    assert.deepEqual(await store.all("photos"), []);
  });

  test("sends started together post once", async () => {
    const server = fakeServer([created()]);
    const { outbox } = outboxOn(server, store);
    const report = await queuedReport(store, 0);

    await Promise.all([outbox.add(report), outbox.send(report), outbox.sendAll()]);

    assert.equal(server.requests.length, 1);
    assert.equal(outbox.size, 0);
  });

  test("a lost answer is sent again under the same client uuid", async () => {
    const server = fakeServer([new Error("offline"), created()]);
    const { outbox, sent } = outboxOn(server, store);
    const report = await queuedReport(store, 0);

    await outbox.add(report);
    assert.equal(outbox.state(report), "pending");
    assert.equal((await store.all("reports")).length, 1);

    await outbox.sendAll();
    const uuids = server.requests.map((request) => JSON.parse(request.body).client_uuid);
    assert.deepEqual(uuids, [report.uuid, report.uuid]);
    assert.deepEqual(sent, [report]);
  });

  test("once the server has the item, a retry sends only the photos it lacks", async () => {
    const server = fakeServer([created(), photoTaken(), new Error("offline"), photoTaken()]);
    const { outbox } = outboxOn(server, store);
    const report = await queuedReport(store, 2);

    await outbox.add(report);
    assert.equal(outbox.state(report), "photos");
    assert.deepEqual(report.server, { id: 7 });

    await outbox.sendAll();
    assert.equal(server.requests.length, 4);
    assert.deepEqual(
      photoRequests(server).map((request) => request.body.get("client_key")),
      [`${report.uuid}-0`, `${report.uuid}-1`, `${report.uuid}-1`]
    );
    assert.equal(outbox.size, 0);
  });

  test("a success without a body is no answer: the item is posted again", async () => {
    const server = fakeServer([new Response("", { status: 201 }), created()]);
    const { outbox, sent } = outboxOn(server, store);
    const report = await queuedReport(store, 0);

    await outbox.add(report);
    assert.equal(outbox.state(report), "pending");
    await outbox.sendAll();
    assert.equal(server.requests.length, 2);
    assert.deepEqual(sent, [report]);
  });

  test("a refused item waits for a person's retry, not for automatic ones", async () => {
    const refusal = () => json(400, { error: { message: "Too far from the river" } });
    const server = fakeServer([refusal(), refusal()]);
    const { outbox } = outboxOn(server, store);
    const report = await queuedReport(store, 0);

    await outbox.add(report);
    assert.equal(outbox.state(report), "rejected");
    assert.deepEqual(report.problem, { kind: "rejected", messages: ["Too far from the river"] });

    await outbox.sendAll({ automatic: true });
    assert.equal(server.requests.length, 1);
    await outbox.sendAll();
    assert.equal(server.requests.length, 2);
    assert.equal(outbox.size, 1);
  });

  test("an expired sign-in and a server error keep the item on the phone", async () => {
    const server = fakeServer([json(403, {}), json(502, {})]);
    const { outbox } = outboxOn(server, store);
    const report = await queuedReport(store, 0);

    await outbox.add(report);
    assert.equal(outbox.state(report), "signin");
    await outbox.sendAll({ automatic: true });
    assert.equal(outbox.state(report), "server");
    assert.equal(report.problem.status, 502);
    assert.deepEqual(await store.all("reports"), [report]);
  });

  test("a photo the server refuses is reported, not sent again, and the rest goes on", async () => {
    const server = fakeServer([created(), json(400, { error: { message: "Not an image" } }), photoTaken()]);
    const { outbox, sent } = outboxOn(server, store);
    const report = await queuedReport(store, 2);

    await outbox.add(report);

    assert.deepEqual(report.refusedPhotos, ["refused: Not an image"]);
    assert.equal(photoRequests(server).length, 2);
    assert.deepEqual(sent, [report]);
  });

  test("restored items are sent; discarding one deletes it and its photos", async () => {
    const server = fakeServer([created()]);
    const { outbox } = outboxOn(server, store);
    const kept = await queuedReport(store, 0);
    const dropped = await queuedReport(store, 1);
    await store.put("reports", kept);
    await store.put("reports", dropped);

    outbox.restore([kept, dropped]);
    await outbox.discard(dropped.uuid);
    await outbox.sendAll();

    assert.equal(server.requests.length, 1);
    assert.equal(JSON.parse(server.requests[0].body).client_uuid, kept.uuid);
    assert.deepEqual(await store.all("photos"), []);
  });

  describe("retrying", () => {
    let stop = () => {};
    beforeEach(() => {
      mock.timers.enable({ apis: ["setInterval"] });
    });
    afterEach(() => {
      stop();
      mock.timers.reset();
    });

    test("the online event and the timer send what waits", async () => {
      const server = fakeServer([new Error("offline"), new Error("offline"), created()]);
      const { outbox, sent } = outboxOn(server, store);
      const report = await queuedReport(store, 0);
      const events = new EventTarget();
      stop = outbox.retryWhenOnline({ everyMs: 60_000, events });

      await outbox.add(report);
      events.dispatchEvent(new Event("online"));
      await waitFor(() => server.requests.length === 2);
      assert.equal(outbox.state(report), "pending");

      mock.timers.tick(60_000);
      await waitFor(() => sent.length === 1);
      assert.equal(server.requests.length, 3);
    });

    test("nothing is sent when nothing waits", async () => {
      const server = fakeServer([]);
      const { outbox } = outboxOn(server, store);
      const events = new EventTarget();
      stop = outbox.retryWhenOnline({ everyMs: 60_000, events });

      events.dispatchEvent(new Event("online"));
      mock.timers.tick(60_000);
      await waitFor(() => true);
      assert.equal(server.requests.length, 0);
    });
  });
});

// Lets the outbox's promises settle until `done()` holds (or fails after a few hundred turns).
async function waitFor(done) {
  for (let turn = 0; turn < 500; turn += 1) {
    if (done()) {
      return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail("still waiting");
}
