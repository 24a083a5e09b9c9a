// A small SCO written for this platform: pages, one question, a score. Speaks SCORM 1.2
// or 2004, whichever API the LMS offers through window.parent.
(function () {
  function findApi(win) {
    for (let depth = 0; win && depth < 10; depth += 1) {
      if (win.API_1484_11) return { api: win.API_1484_11, v2004: true };
      if (win.API) return { api: win.API, v2004: false };
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  const found = findApi(window.parent) || findApi(window.opener);
  const root = document.querySelector("[data-sco]");
  const message = root.querySelector("[data-message]");
  if (!found) {
    message.textContent = "This course could not find the learning platform.";
    return;
  }
  const { api, v2004 } = found;
  const call = (name12, name2004, ...args) => (v2004 ? api[name2004](...args) : api[name12](...args));
  const get = (el12, el2004) => String(call("LMSGetValue", "GetValue", v2004 ? el2004 : el12) || "");
  const set = (el12, el2004, value) => call("LMSSetValue", "SetValue", v2004 ? el2004 : el12, String(value));
  const started = Date.now();

  call("LMSInitialize", "Initialize", "");
  const pages = Array.from(root.querySelectorAll("[data-page]"));
  const saved = get("cmi.core.lesson_location", "cmi.location");
  let page = Math.min(Math.max(parseInt(saved, 10) || 0, 0), pages.length - 1);
  let data = {};
  try { data = JSON.parse(get("cmi.suspend_data", "cmi.suspend_data") || "{}"); } catch (e) { data = {}; }
  if (data.answer) {
    const radio = root.querySelector(`input[value="${data.answer}"]`);
    if (radio) radio.checked = true;
  }
  const status = get("cmi.core.lesson_status", "cmi.completion_status");
  if (status === "not attempted" || status === "unknown" || !status) {
    set("cmi.core.lesson_status", "cmi.completion_status", "incomplete");
  }

  function sessionTime() {
    const seconds = Math.round((Date.now() - started) / 1000);
    if (v2004) return `PT${seconds}S`;
    const hh = String(Math.floor(seconds / 3600)).padStart(2, "0");
    const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
    const ss = String(seconds % 60).padStart(2, "0");
    return `${hh}:${mm}:${ss}`;
  }

  function show() {
    pages.forEach((section, index) => { section.hidden = index !== page; });
    root.querySelector("[data-back]").disabled = page === 0;
    const last = page === pages.length - 1;
    root.querySelector("[data-next]").hidden = last;
    root.querySelector("[data-finish]").hidden = !last;
    set("cmi.core.lesson_location", "cmi.location", page);
    set("cmi.suspend_data", "cmi.suspend_data", JSON.stringify(data));
    set("cmi.core.exit", "cmi.exit", "suspend");
    set("cmi.core.session_time", "cmi.session_time", sessionTime());
    call("LMSCommit", "Commit", "");
    const heading = pages[page].querySelector("h1, h2");
    if (heading) { heading.tabIndex = -1; heading.focus(); }
  }

  root.querySelector("[data-back]").addEventListener("click", () => { page -= 1; show(); });
  root.querySelector("[data-next]").addEventListener("click", () => { page += 1; show(); });
  root.querySelector("[data-finish]").addEventListener("click", () => {
    const chosen = root.querySelector("input[name=answer]:checked");
    if (!chosen) {
      message.textContent = "Choose an answer first.";
      return;
    }
    data.answer = chosen.value;
    const correct = chosen.value === root.dataset.correct;
    const score = correct ? 100 : 0;
    set("cmi.interactions.0.id", "cmi.interactions.0.id", root.dataset.interaction);
    set("cmi.interactions.0.type", "cmi.interactions.0.type", "choice");
    set("cmi.interactions.0.student_response", "cmi.interactions.0.learner_response", chosen.value);
    set("cmi.interactions.0.result", "cmi.interactions.0.result", correct ? "correct" : (v2004 ? "incorrect" : "wrong"));
    set("cmi.core.score.min", "cmi.score.min", 0);
    set("cmi.core.score.max", "cmi.score.max", 100);
    set("cmi.core.score.raw", "cmi.score.raw", score);
    if (v2004) {
      set("", "cmi.score.scaled", correct ? 1 : 0);
      set("", "cmi.completion_status", "completed");
      set("", "cmi.success_status", correct ? "passed" : "failed");
    } else {
      set("cmi.core.lesson_status", "", correct ? "passed" : "failed");
    }
    set("cmi.suspend_data", "cmi.suspend_data", JSON.stringify(data));
    set("cmi.core.exit", "cmi.exit", v2004 ? "normal" : "");
    set("cmi.core.session_time", "cmi.session_time", sessionTime());
    call("LMSCommit", "Commit", "");
    message.textContent = correct ? "Well done: that is their own words. You have finished." : "Not quite: a summary is your view. Try again.";
    if (correct) {
      call("LMSFinish", "Terminate", "");
    }
  });
  show();
})();
