// The H5P packages admin: a package that is still being unpacked shows its new status
// when it changes, without a reload. Every element marked data-h5p-package-status="<id>"
// with data-status="processing" is asked about (one request for all of them) every few
// seconds, less often as time goes on; a change is written in place and announced once,
// politely. Elements marked data-details-when-done (the package's own page) are followed by
// a link that reloads the page to show the result in full (file count or refusal reasons).

const FIRST_DELAY_MS = 2000;
const LONGEST_DELAY_MS = 15000;

function liveRegion() {
  let region = document.querySelector("[data-h5p-status-announcer]");
  if (!region) {
    region = document.createElement("div");
    region.className = "w-sr-only";
    region.setAttribute("aria-live", "polite");
    region.dataset.h5pStatusAnnouncer = "";
    document.body.append(region);
  }
  return region;
}

function waiting() {
  return [...document.querySelectorAll('[data-h5p-package-status][data-status="processing"]')];
}

async function check(elements) {
  const url = new URL(elements[0].dataset.statusUrl, window.location.href);
  const ids = [...new Set(elements.map((element) => element.dataset.h5pPackageStatus))];
  url.searchParams.set("ids", ids.slice(0, 100).join(","));
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  return (await response.json()).packages || [];
}

function detailsLink(element) {
  const link = document.createElement("a");
  link.href = window.location.href;
  link.textContent = "Show the details";
  element.after(" ", link);
}

function apply(packages, region) {
  const finished = [];
  for (const item of packages) {
    for (const element of document.querySelectorAll(`[data-h5p-package-status="${item.id}"]`)) {
      const progress = document.querySelector(`[data-h5p-progress="${item.id}"]`);
      if (progress && item.status === "processing") {
        progress.value = item.progress;
        progress.textContent = `${item.progress}%`;
      }
      if (element.dataset.status === item.status) {
        continue;
      }
      element.dataset.status = item.status;
      element.textContent = item.label;
      progress?.remove();
      if (!finished.includes(item)) {
        finished.push(item);
      }
      if (element.hasAttribute("data-details-when-done")) {
        detailsLink(element);
      }
    }
  }
  if (finished.length) {
    region.textContent = finished.map((item) => `${item.title}: ${item.label}.`).join(" ");
  }
}

function start() {
  if (!waiting().length) {
    return;
  }
  const region = liveRegion();
  let delay = FIRST_DELAY_MS;
  const poll = async () => {
    const elements = waiting();
    if (!elements.length) {
      return;
    }
    try {
      apply(await check(elements), region);
    } catch {
      // A failed check is tried again later; the status shown stays as it was.
    }
    delay = Math.min(Math.round(delay * 1.5), LONGEST_DELAY_MS);
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
}

start();
