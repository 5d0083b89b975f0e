/* The recorder page's elements and words: its root, its texts (translated by the template), the
   notice line, the three screens, and the small DOM helpers the other recorder modules share. */

import { readTexts } from "../field/texts.js";

export const root = document.getElementById("patrol-recorder");

export const $ = (id) => document.getElementById(id);

export const { text, lookup } = readTexts(document.getElementById("patrol-strings"));

export function showNotice(message, isError) {
  const notice = $("recorder-notice");
  notice.textContent = message || "";
  notice.classList.toggle("error", Boolean(isError));
  notice.hidden = !message;
}

export function storageFailed() {
  showNotice(text("storage_failed"), true);
}

export function showScreen(name) {
  $("setup").hidden = name !== "setup";
  $("resume").hidden = name !== "resume";
  $("recording").hidden = name !== "recording";
}

export function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (content != null) {
    node.textContent = content;
  }
  return node;
}

export function formatDuration(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const pad = (value) => String(value).padStart(2, "0");
  return `${Math.floor(whole / 3600)}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
}

export function formatTime(milliseconds) {
  return new Date(milliseconds).toLocaleString(document.documentElement.lang || undefined, {
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}
