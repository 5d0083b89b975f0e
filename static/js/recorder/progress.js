/* How far the patrol being recorded is from its segment's rules (shown when it started): the live
   figures with their goals, and what is still short when the chief wants to finish. Coverage and
   speed are judged by the server only. */

import { $, formatDuration, text } from "./page.js";
import { recording } from "./state.js";

// A patrol recorded before the rules were shown has none.
const known = (value) => Number.isFinite(value) && value > 0;

function elapsedS() {
  return (Date.now() - recording.patrol.startedAt) / 1000;
}

function minutesShort() {
  const minutes = recording.patrol.minDurationMin;
  return known(minutes) && elapsedS() < minutes * 60;
}

function metresShort() {
  const metres = recording.patrol.requiredDistanceM;
  return known(metres) && recording.walked < metres;
}

function showGoal(id, goal, met) {
  const stat = $(id);
  stat.querySelector("[data-goal]").textContent = goal;
  stat.classList.toggle("met", Boolean(goal) && met);
}

// On each position: the count, the distance and its goal.
export function updateTrackFigures() {
  const { patrol } = recording;
  $("stat-points").textContent = String(recording.points.length);
  $("stat-distance").textContent = (recording.walked / 1000).toFixed(2);
  const metres = patrol.requiredDistanceM;
  showGoal("goal-distance", known(metres) ? text("goal_km", { km: (metres / 1000).toFixed(2) }) : "", !metresShort());
}

// Every second: the time and its goal.
export function updateClock() {
  const { patrol } = recording;
  if (!patrol) {
    return;
  }
  $("stat-elapsed").textContent = formatDuration(elapsedS());
  const minutes = patrol.minDurationMin;
  showGoal("goal-elapsed", known(minutes) ? text("goal_minutes", { minutes }) : "", !minutesShort());
}

// The minimums not reached yet, one line each.
export function shortfall() {
  const { patrol } = recording;
  const lines = [];
  if (minutesShort()) {
    lines.push(text("short_minutes", { elapsed: Math.floor(elapsedS() / 60), minutes: patrol.minDurationMin }));
  }
  if (metresShort()) {
    lines.push(text("short_metres", { walked: Math.floor(recording.walked), metres: patrol.requiredDistanceM }));
  }
  return lines;
}
