/* Findings of the patrol being recorded: the form (category, note, position, photos shrunk as
   they are chosen) and the list under it. A finding and its photos go to the store at once. */

import { shrinkPhoto } from "../field/photos.js";
import { $, element, showNotice, storageFailed, text } from "./page.js";
import { recording, store } from "./state.js";
import { addFindingMarker } from "./track-map.js";

// The finding being written: its photos (already shrunk), how many are still being shrunk, and
// whether it is being saved. A new object per form, so a late photo never lands in the next one.
let draft = { photos: [], preparing: 0, saving: false };

export function bindFindingForm() {
  $("add-finding").addEventListener("click", openFindingForm);
  $("cancel-finding").addEventListener("click", closeFindingForm);
  $("finding-form").addEventListener("submit", saveFinding);
  $("finding-form").elements.photos.addEventListener("change", addPhotos);
  $("save-finding").dataset.label = $("save-finding").textContent;
}

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

export function closeFindingForm() {
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

export function renderFindings() {
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
