/* What the chief sees of the outbox: each patrol waiting to be sent with its state (and the
   server's reasons when it refused one), and the verdict card of each patrol the server took. */

import { $, element, formatDuration, formatTime, root, text } from "./page.js";
import { discardPatrol } from "./recording.js";

export function renderOutbox(outbox) {
  const list = $("outbox-list");
  list.replaceChildren();
  for (const patrol of outbox.items()) {
    list.append(outboxItem(patrol, outbox.state(patrol)));
  }
  $("outbox").hidden = outbox.size === 0;
}

function outboxItem(patrol, state) {
  const item = element("li");
  item.dataset.state = state;
  item.append(element("strong", "", patrolTitle(patrol)));
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

function patrolTitle(patrol) {
  return text("outbox_title", { segment: patrol.segmentLabel, time: formatTime(patrol.startedAt) });
}

export function showVerdict(patrol) {
  const result = patrol.server;
  const card = $("verdict-template").content.firstElementChild.cloneNode(true);
  const field = (name) => card.querySelector(`[data-field="${name}"]`);
  card.classList.add(result.is_valid ? "valid" : "invalid");
  card.dataset.valid = String(result.is_valid);
  card.dataset.patrolId = String(result.id);
  field("title").textContent = result.is_valid ? text("verdict_valid") : text("verdict_invalid");
  field("segment").textContent = patrolTitle(patrol);
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
