// Brings a lesson page's progress up to date when an activity on it completes, without
// a reload: the done mark on the activity, the lesson's status tag, the remaining count,
// the module's progress bar and the side list. The change is announced once, politely,
// through the page's live region. `progress` is learning's lesson_progress_summary,
// sent back with the statement that completed the activity.

const STATUS_COLOURS = { not_started: "grey", in_progress: "blue", completed: "green" };

function plural(count, one, many) {
  return count === 1 ? one : many;
}

function markDone(blockIds) {
  for (const blockId of blockIds) {
    const block = document.getElementById(`block-${blockId}`);
    const mark = block?.querySelector("[data-activity-done]");
    if (mark) {
      mark.hidden = false;
    }
  }
}

function updateStatusTag(progress) {
  const tag = document.querySelector("[data-lesson-status-tag] .govuk-tag");
  if (!tag) {
    return;
  }
  tag.className = `govuk-tag govuk-tag--${STATUS_COLOURS[progress.lesson_status] || "grey"}`;
  tag.textContent = progress.lesson_status_label;
  const current = document.querySelector('.lesson-aside [aria-current="page"]');
  const asideStatus = current?.closest("li")?.querySelector(".lesson-aside__status");
  if (asideStatus) {
    asideStatus.textContent = `(${progress.lesson_status_label})`;
  }
}

function updateRemaining(progress) {
  const status = document.querySelector("[data-lesson-status]");
  if (!status) {
    return;
  }
  const box = document.createElement("div");
  box.className = "govuk-inset-text";
  const text = document.createElement("p");
  text.className = "govuk-body";
  if (progress.lesson_completed) {
    box.classList.add("lesson-status__done");
    box.dataset.lessonDone = "";
    text.classList.add("govuk-!-font-weight-bold");
    text.textContent = "You have completed this lesson.";
  } else {
    box.dataset.lessonRemaining = "";
    const count = progress.required_remaining;
    text.textContent = `Complete the ${count} remaining ${plural(count, "activity", "activities")} above to finish this lesson.`;
  }
  box.append(text);
  status.replaceChildren(box);
}

function updateBar(progress) {
  const bar = document.getElementById("module-progress-bar");
  if (!bar) {
    return;
  }
  bar.max = progress.module_total_lessons;
  bar.value = progress.module_completed_lessons;
  bar.textContent = `${progress.module_percent}%`;
  const figure = document.querySelector("#module-progress-bar-label strong");
  if (figure) {
    figure.textContent = `${progress.module_percent}% complete`;
  }
}

function announcement(progress) {
  const parts = ["Activity complete."];
  if (progress.module_completed) {
    parts.push("You have completed this lesson and the module.");
  } else if (progress.lesson_completed) {
    parts.push("You have completed this lesson.");
  } else {
    const count = progress.required_remaining;
    parts.push(`${count} ${plural(count, "activity", "activities")} left in this lesson.`);
  }
  parts.push(`Module progress: ${progress.module_percent}% complete.`);
  return parts.join(" ");
}

export function lessonProgressShow(progress) {
  if (!progress || typeof progress !== "object") {
    return;
  }
  markDone(Array.isArray(progress.done_block_ids) ? progress.done_block_ids : []);
  updateStatusTag(progress);
  updateRemaining(progress);
  updateBar(progress);
  const announcer = document.querySelector("[data-lesson-progress-announcer]");
  if (announcer) {
    announcer.textContent = announcement(progress);
  }
}
