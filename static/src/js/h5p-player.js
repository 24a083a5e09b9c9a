// H5P players on a lesson page: started one at a time with h5p-standalone; their
// top-level xAPI statements are posted to the learning endpoint (session + CSRF)
// and their resume state is saved and restored.
//
// The element wrapping the lesson body carries data-xapi-endpoint,
// data-state-endpoint, data-lesson-id and data-csrf-token (learning's
// {% lesson_tracking_attrs %}); without it (previews) players run untracked.

import { lessonProgressShow } from "./lesson-progress.js";

const STATE_SAVE_SECONDS = 10;
const CONTENT_ID_EXTENSION = "http://h5p.org/x-api/h5p-local-content-id";
const players = new Map();
let listening = false;
let postChain = Promise.resolve();

function loadScript(src) {
  const existing = document.querySelector(`script[data-h5p-main="${CSS.escape(src)}"]`);
  if (existing) {
    return existing.loaded;
  }
  const script = document.createElement("script");
  script.src = src;
  script.dataset.h5pMain = src;
  script.loaded = new Promise((resolve, reject) => {
    script.addEventListener("load", resolve, { once: true });
    script.addEventListener("error", () => reject(new Error(`could not load ${src}`)), { once: true });
  });
  document.head.appendChild(script);
  return script.loaded;
}

function uuid4() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function csrfToken(tracking) {
  if (tracking.dataset.csrfToken) {
    return tracking.dataset.csrfToken;
  }
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function postJSON(url, body, tracking, { keepalive = false } = {}) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    keepalive,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(tracking) },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.error || `HTTP ${response.status}`);
  }
  return data;
}

function isTopLevel(statement) {
  const parent = statement.context?.contextActivities?.parent;
  return !Array.isArray(parent) || parent.length === 0;
}

function announce(player, message) {
  if (player.status) {
    player.status.textContent = message;
  }
}

function sendStatement(player, statement) {
  const body = {
    lesson_id: Number(player.tracking.dataset.lessonId),
    block_id: player.blockId,
    package_version_id: player.versionId,
    statement: { ...statement, id: uuid4() },
  };
  delete body.statement.actor;
  // One at a time, in order: an "answered" is stored before the "completed" that follows it.
  postChain = postChain
    .then(async () => {
      let result;
      try {
        result = await postJSON(player.tracking.dataset.xapiEndpoint, body, player.tracking);
      } catch (error) {
        // One retry: the statement id makes the retry safe.
        result = await postJSON(player.tracking.dataset.xapiEndpoint, body, player.tracking);
      }
      if (result.activity_completed) {
        announce(player, "Your result has been saved. This activity is complete.");
        lessonProgressShow(result.progress);
        player.container.dispatchEvent(
          new CustomEvent("learning:activity-completed", { bubbles: true, detail: { blockId: player.blockId, progress: result.progress } }),
        );
      } else if (statement.result) {
        announce(player, "Your result has been saved.");
      }
      saveState(player);
    })
    .catch(() => announce(player, "We could not save your result. Check your connection and try again."));
}

function onXAPI(event) {
  const statement = event?.data?.statement;
  if (!statement) {
    return;
  }
  const contentId = statement.object?.definition?.extensions?.[CONTENT_ID_EXTENSION];
  const player = players.get(String(contentId));
  if (!player || !player.tracking || !isTopLevel(statement)) {
    return;
  }
  sendStatement(player, statement);
}

function currentState(player) {
  const content = window.H5PIntegration?.contents?.[`cid-${player.contentId}`];
  const state = content?.contentUserData?.[0]?.state;
  return typeof state === "string" && state !== "RESET" ? state : null;
}

function saveState(player, { keepalive = false } = {}) {
  if (!player.tracking?.dataset.stateEndpoint) {
    return;
  }
  const state = currentState(player);
  if (state === null || state === player.savedState) {
    return;
  }
  player.savedState = state;
  postJSON(
    player.tracking.dataset.stateEndpoint,
    {
      lesson_id: Number(player.tracking.dataset.lessonId),
      block_id: player.blockId,
      package_version_id: player.versionId,
      state,
    },
    player.tracking,
    { keepalive },
  ).catch(() => {
    player.savedState = null;
  });
}

async function loadState(tracking, blockId) {
  if (!tracking?.dataset.stateEndpoint) {
    return null;
  }
  const url = new URL(tracking.dataset.stateEndpoint, window.location.href);
  url.searchParams.set("lesson_id", tracking.dataset.lessonId);
  url.searchParams.set("block_id", blockId);
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      return null;
    }
    const data = await response.json();
    return typeof data.state === "string" ? data.state : null;
  } catch {
    return null;
  }
}

async function start(container) {
  const data = container.dataset;
  const tracking = data.h5pBlockId ? container.closest("[data-xapi-endpoint]") : null;
  const contentId = data.h5pBlockId ? `block-${data.h5pBlockId}` : `preview-${uuid4()}`;
  const player = {
    container,
    contentId,
    tracking,
    blockId: data.h5pBlockId,
    versionId: Number(data.h5pVersionId),
    status: container.parentElement.querySelector("[data-h5p-status]"),
    savedState: null,
  };
  const previousState = await loadState(tracking, data.h5pBlockId);
  player.savedState = previousState;
  await loadScript(data.h5pMainJs);
  const loading = container.querySelector("[data-h5p-loading]");
  const options = {
    id: contentId,
    h5pJsonPath: data.h5pContentUrl,
    frameJs: data.h5pFrameJs,
    frameCss: data.h5pFrameCss,
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    icon: false,
    fullScreen: false,
    xAPIObjectIRI: `${window.location.origin}${window.location.pathname}#${data.h5pBlockId || contentId}`,
  };
  if (tracking) {
    options.saveFreq = STATE_SAVE_SECONDS;
    if (previousState) {
      options.contentUserData = [{ state: previousState }];
    }
  }
  players.set(contentId, player);
  await new window.H5PStandalone.H5P(container, options);
  loading?.remove();
  const frame = container.querySelector("iframe");
  if (frame) {
    // h5p-standalone's frame has neither an accessible name nor a document title.
    frame.title = data.h5pTitle || "Interactive activity";
    if (frame.contentDocument) {
      frame.contentDocument.title = frame.title;
    }
  }
  if (!listening && window.H5P?.externalDispatcher) {
    window.H5P.externalDispatcher.on("xAPI", onXAPI);
    listening = true;
  }
  container.dataset.h5pReady = "true";
  if (tracking) {
    window.setInterval(() => saveState(player), STATE_SAVE_SECONDS * 1000);
  }
}

async function startAll() {
  const containers = document.querySelectorAll("[data-h5p-player]:not([data-h5p-started])");
  // One at a time: h5p-standalone shares window.H5PIntegration between players.
  for (const container of containers) {
    container.dataset.h5pStarted = "true";
    try {
      await start(container);
    } catch (error) {
      const status = container.parentElement.querySelector("[data-h5p-status]");
      if (status) {
        status.textContent = "This activity could not be loaded. Please reload the page or try again later.";
      }
    }
  }
}

window.addEventListener("pagehide", () => {
  for (const player of players.values()) {
    saveState(player, { keepalive: true });
  }
});

startAll();
