// SCORM courses on a lesson page. The runtime is scorm-again (SCORM 1.2 or 2004),
// set on this window as window.API / window.API_1484_11 so content in the same-origin
// frame finds it through window.parent. Every commit is posted to the learning
// endpoint (session + CSRF) with the SCO's data; a failed commit is retried, and the
// learner is told if it could not be saved; on page hide the last commit goes with
// keepalive. One SCO plays at a time on a page.
//
// The element wrapping the lesson body carries data-scorm-commit-endpoint,
// data-scorm-resume-endpoint, data-lesson-id and data-csrf-token (learning's
// {% lesson_tracking_attrs %}); without it (previews) nothing is launched.

import { lessonProgressShow } from "./lesson-progress.js";

const RETRY_DELAYS_MS = [1000, 3000, 8000];
const AUTOCOMMIT_SECONDS = 30;
const runtimes = new Map();
let active = null;
let pageHiding = false;

function sessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const PAGE_SESSION = sessionId();

function csrfToken(tracking) {
  if (tracking.dataset.csrfToken) {
    return tracking.dataset.csrfToken;
  }
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function announce(player, message) {
  player.status.textContent = message;
}

function cleanCMI(params) {
  // Only the values the SCO holds: empty defaults and empty collections are not sent.
  const cmi = {};
  for (const [element, value] of Object.entries(params || {})) {
    if ((typeof value === "string" && value !== "") || typeof value === "number") {
      cmi[element] = String(value);
    }
  }
  return cmi;
}

async function postCommit(player, body, { keepalive = false } = {}) {
  const response = await fetch(player.tracking.dataset.scormCommitEndpoint, {
    method: "POST",
    credentials: "same-origin",
    keepalive,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(player.tracking) },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error || `HTTP ${response.status}`);
    error.permanent = response.status >= 400 && response.status < 500;
    throw error;
  }
  return data;
}

function scoStatus(player, sco, text) {
  const label = player.container.querySelector(`[data-scorm-item-status="${CSS.escape(sco)}"]`);
  if (label) {
    label.textContent = text;
  }
}

function onSaved(player, sco, result) {
  player.container.dataset.scormLastSaved = String(Date.now());
  if (result.progress) {
    // The lesson's status, remaining count, progress bar and done marks, as for H5P.
    lessonProgressShow(result.progress);
  }
  if (result.sco_completed) {
    scoStatus(player, sco, "Completed");
  }
  if (result.activity_completed && !player.completed) {
    player.completed = true;
    announce(player, "Your progress has been saved. This course is complete.");
    player.container.dataset.scormCompleted = "true";
    player.container.dispatchEvent(
      new CustomEvent("learning:activity-completed", { bubbles: true, detail: { blockId: player.blockId } }),
    );
  }
}

function queueCommit(player, sco, body, keepalive) {
  // Commits go one at a time, in order; each holds the SCO's whole state.
  player.chain = player.chain.then(async () => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        onSaved(player, sco, await postCommit(player, body, { keepalive }));
        if (player.unsaved) {
          player.unsaved = false;
          announce(player, "Your progress has been saved.");
        }
        return;
      } catch (error) {
        if (error.permanent || attempt >= RETRY_DELAYS_MS.length) {
          player.unsaved = true;
          player.pending = { sco, body };
          announce(
            player,
            error.permanent
              ? `Your progress could not be saved: ${error.message}`
              : "Your progress could not be saved. Check your connection: we will try again when you are back online.",
          );
          return;
        }
        await new Promise((resolve) => window.setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  });
  return player.chain;
}

function httpService(player, sco) {
  let seq = 0;
  return {
    processHttpRequest(url, params, immediate, apiLog, processListeners, metadata) {
      seq += 1;
      const body = {
        lesson_id: Number(player.tracking.dataset.lessonId),
        block_id: player.blockId,
        package_version_id: player.versionId,
        sco,
        session: `${PAGE_SESSION}-${player.launches}`,
        seq,
        cmi: cleanCMI(params),
      };
      queueCommit(player, sco, body, pageHiding || Boolean(metadata?.isTerminateCommit));
      return { result: "true", errorCode: 0 };
    },
    updateSettings() {},
  };
}

function totalTime(seconds, is12) {
  const whole = Math.max(0, Math.round(seconds || 0));
  if (!is12) {
    return `PT${whole}S`;
  }
  const hh = String(Math.floor(whole / 3600)).padStart(4, "0");
  const mm = String(Math.floor((whole % 3600) / 60)).padStart(2, "0");
  const ss = String(whole % 60).padStart(2, "0");
  return `${hh}:${mm}:${ss}`;
}

// SCORM 1.2's names for the learner and attempt elements both standards start with (2004: "cmi.<name>").
const SCORM12_NAMES = {
  learner_id: "cmi.core.student_id",
  learner_name: "cmi.core.student_name",
  location: "cmi.core.lesson_location",
  credit: "cmi.core.credit",
  entry: "cmi.core.entry",
  total_time: "cmi.core.total_time",
};

function initialCMI(state, is12) {
  const item = state.item || {};
  const start = {
    learner_id: state.learner_id,
    learner_name: state.learner_name,
    location: state.location,
    credit: "credit",
    entry: state.resume ? "resume" : state.completion_status ? "" : "ab-initio",
    total_time: totalTime(state.total_seconds, is12),
    suspend_data: state.suspend_data,
    launch_data: item.data_from_lms || "",
  };
  const data = Object.fromEntries(
    Object.entries(start).map(([name, value]) => [(is12 && SCORM12_NAMES[name]) || `cmi.${name}`, value]),
  );
  if (is12) {
    data["cmi.student_data.max_time_allowed"] = item.max_time || "";
    data["cmi.student_data.time_limit_action"] = item.time_limit_action || "";
    if (state.completion_status) data["cmi.core.lesson_status"] = state.completion_status;
    if (item.mastery_score !== null && item.mastery_score !== undefined) {
      data["cmi.student_data.mastery_score"] = String(item.mastery_score);
    }
    return data;
  }
  if (state.completion_status) data["cmi.completion_status"] = state.completion_status;
  if (state.success_status) data["cmi.success_status"] = state.success_status;
  if (item.scaled_passing_score !== null && item.scaled_passing_score !== undefined) {
    data["cmi.scaled_passing_score"] = String(item.scaled_passing_score);
  }
  if (item.completion_threshold !== null && item.completion_threshold !== undefined) {
    data["cmi.completion_threshold"] = String(item.completion_threshold);
  }
  if (item.max_time) data["cmi.max_time_allowed"] = item.max_time;
  if (item.time_limit_action) data["cmi.time_limit_action"] = item.time_limit_action;
  return data;
}

async function resumeState(player, sco) {
  const url = new URL(player.tracking.dataset.scormResumeEndpoint, window.location.href);
  url.searchParams.set("lesson_id", player.tracking.dataset.lessonId);
  url.searchParams.set("block_id", player.blockId);
  url.searchParams.set("package_version_id", String(player.versionId));
  url.searchParams.set("sco", sco);
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.json();
}

async function runtimeClass(player) {
  const url = player.is12 ? player.container.dataset.scormRuntimeScorm12 : player.container.dataset.scormRuntimeScorm2004;
  if (!runtimes.has(url)) {
    runtimes.set(url, import(url));
  }
  const module = await runtimes.get(url);
  return player.is12 ? module.Scorm12API : module.Scorm2004API;
}

function finishActive() {
  if (!active) {
    return;
  }
  const { api, player } = active;
  try {
    if (api.isInitialized()) {
      if (player.is12) {
        api.LMSFinish("");
      } else {
        api.Terminate("");
      }
    }
  } catch {
    // The SCO may have finished already; nothing more to save.
  }
  active.frame.remove();
  active = null;
}

// SCORM 2004 navigation requests (adl.nav.request) content commonly uses: continue,
// previous, choice and jump to a named item; exit and suspend stay on the page.
function navigationTarget(player, sco, request) {
  const index = player.items.findIndex((item) => item.identifier === sco);
  if (request === "continue") return player.items[index + 1]?.identifier || null;
  if (request === "previous") return player.items[index - 1]?.identifier || null;
  const match = /^\{target=([^}]+)\}(choice|jump)$/.exec(request || "");
  if (match && player.items.some((item) => item.identifier === match[1])) {
    return match[1];
  }
  return null;
}

async function launch(player, sco) {
  finishActive();
  const item = player.items.find((candidate) => candidate.identifier === sco);
  if (!item) {
    return;
  }
  player.launches += 1;
  announce(player, `Loading ${item.title}…`);
  const [state, Runtime] = await Promise.all([resumeState(player, sco), runtimeClass(player)]);
  const api = new Runtime({
    autocommit: true,
    autocommitSeconds: AUTOCOMMIT_SECONDS,
    dataCommitFormat: "flattened",
    lmsCommitUrl: player.tracking.dataset.scormCommitEndpoint,
    httpService: httpService(player, sco),
    logLevel: 5,
  });
  api.loadFromFlattenedJSON(initialCMI(state, player.is12));
  let navRequest = null;
  if (!player.is12) {
    api.on("SetValue.adl.nav.request", (element, value) => {
      navRequest = value;
    });
    api.on("Terminate", () => {
      const target = navigationTarget(player, sco, navRequest);
      if (target) {
        window.setTimeout(() => launch(player, target).catch(() => announce(player, "The next part could not be loaded.")), 0);
      }
    });
  }
  delete window.API;
  delete window.API_1484_11;
  if (player.is12) {
    window.API = api;
  } else {
    window.API_1484_11 = api;
  }
  const frame = document.createElement("iframe");
  frame.className = "fsm-scorm__frame";
  frame.title = `${player.title}: ${item.title}`;
  frame.setAttribute("allow", "fullscreen");
  frame.src = player.base + item.launch;
  const stage = player.container.querySelector("[data-scorm-stage]");
  stage.querySelector("[data-scorm-loading]")?.remove();
  stage.replaceChildren(frame);
  active = { api, player, frame, sco };
  player.container.dataset.scormActiveSco = sco;
  for (const button of player.container.querySelectorAll("[data-scorm-item]")) {
    if (button.dataset.scormItem === sco) {
      button.setAttribute("aria-current", "step");
    } else {
      button.removeAttribute("aria-current");
    }
  }
  if (state.completed) {
    scoStatus(player, sco, "Completed");
  }
  announce(player, `${item.title} is open below.`);
}

function toggleFullScreen(player, button) {
  const stage = player.container.querySelector("[data-scorm-stage]");
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else if (stage.requestFullscreen) {
    stage.requestFullscreen().catch(() => announce(player, "Full screen is not available in this browser."));
  }
  document.addEventListener(
    "fullscreenchange",
    () => {
      button.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen";
    },
    { once: true },
  );
}

function setUp(container) {
  const tracking = container.closest("[data-scorm-commit-endpoint]");
  const status = container.parentElement.querySelector("[data-scorm-status]");
  const itemsScript = container.querySelector('script[type="application/json"]');
  if (!tracking || !itemsScript) {
    return;
  }
  const items = JSON.parse(itemsScript.textContent).filter((item) => item.sco || item.launch);
  const player = {
    container,
    tracking,
    status,
    items,
    blockId: container.dataset.scormBlockId,
    versionId: Number(container.dataset.scormVersionId),
    is12: container.dataset.scormStandard === "1.2",
    base: container.dataset.scormBase,
    title: container.dataset.scormTitle || "Course",
    chain: Promise.resolve(),
    launches: 0,
    completed: false,
    unsaved: false,
    pending: null,
  };
  const start = (sco) =>
    launch(player, sco).catch((error) => {
      console.error(error);
      announce(player, "This course could not be loaded. Please reload the page.");
    });
  for (const button of container.querySelectorAll("[data-scorm-item]")) {
    button.addEventListener("click", () => start(button.dataset.scormItem));
  }
  const fullScreen = container.querySelector("[data-scorm-fullscreen]");
  fullScreen?.addEventListener("click", () => toggleFullScreen(player, fullScreen));
  window.addEventListener("online", () => {
    if (player.pending) {
      const { sco, body } = player.pending;
      player.pending = null;
      queueCommit(player, sco, body, false);
    }
  });
  if (!active && items.length) {
    start(items[0].identifier);
  } else {
    const loading = container.querySelector("[data-scorm-loading]");
    if (loading) {
      loading.textContent = "Choose a part of the course to start it.";
    }
  }
}

function onPageHide() {
  if (!active) {
    return;
  }
  pageHiding = true;
  try {
    if (active.player.is12) {
      active.api.LMSCommit("");
    } else {
      active.api.Commit("");
    }
  } catch {
    // Not initialised yet: nothing to save.
  }
  pageHiding = false;
}

window.addEventListener("pagehide", onPageHide);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") {
    onPageHide();
  }
});

for (const container of document.querySelectorAll("[data-scorm-player]:not([data-scorm-started])")) {
  container.dataset.scormStarted = "true";
  setUp(container);
}
