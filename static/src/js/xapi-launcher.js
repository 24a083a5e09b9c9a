// xAPI and cmi5 courses on a lesson page. Each part opens in a new window (a form POST to
// learning's launch view, which redirects there with the launch parameters); the content
// reports to the LRS at /xapi with its own restricted credential. When the learner comes
// back to this page (focus or visibility), and every 15 seconds while a course window is
// open, the block asks learning for its status and, once the activity is complete, shows
// the lesson's new progress in place (lesson-progress.js).
import { lessonProgressShow } from "./lesson-progress.js";

const POLL_MS = 15000;

function statusUrl(tracking, launcher) {
  const url = new URL(tracking.dataset.xapiStatusEndpoint, window.location.href);
  url.searchParams.set("lesson_id", tracking.dataset.lessonId);
  url.searchParams.set("block_id", launcher.dataset.xapiBlockId);
  return url;
}

function partLabel(result) {
  if (!result) {
    return "";
  }
  if (result.satisfied) {
    return "Done";
  }
  if (result.completed || result.passed || result.failed) {
    return "In progress";
  }
  return "";
}

async function refresh(tracking, launcher) {
  if (launcher.dataset.xapiCompleted === "true") {
    return;
  }
  let answer;
  try {
    const response = await fetch(statusUrl(tracking, launcher), { credentials: "same-origin" });
    if (!response.ok) {
      return;
    }
    answer = await response.json();
  } catch {
    return;
  }
  for (const label of launcher.querySelectorAll("[data-xapi-au-status]")) {
    label.textContent = partLabel(answer.aus?.[label.dataset.xapiAuStatus]);
  }
  if (answer.activity_completed) {
    launcher.dataset.xapiCompleted = "true";
    const status = launcher.closest("section")?.querySelector("[data-xapi-status]");
    if (status) {
      status.textContent = "You have completed this course.";
    }
    if (answer.progress) {
      lessonProgressShow(answer.progress);
    }
  }
}

function start() {
  const tracking = document.querySelector("[data-xapi-status-endpoint]");
  if (!tracking) {
    return;
  }
  for (const launcher of document.querySelectorAll("[data-xapi-launcher]")) {
    let timer = null;
    const check = () => refresh(tracking, launcher);
    for (const form of launcher.querySelectorAll("form")) {
      form.addEventListener("submit", () => {
        const status = launcher.closest("section")?.querySelector("[data-xapi-status]");
        if (status) {
          status.textContent = "The course has opened in a new window.";
        }
        if (timer === null) {
          timer = window.setInterval(check, POLL_MS);
        }
      });
    }
    window.addEventListener("focus", check);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        check();
      }
    });
  }
}

start();
