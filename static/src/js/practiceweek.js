// Practice week, progressive enhancement only: the pages work fully without this.
// An offer's deadline is printed as a time; this adds how long is left, updated each minute.

function remaining(deadline) {
  const minutes = Math.round((deadline - Date.now()) / 60000);
  if (minutes <= 0) return "the offer has now expired; reload the page";
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"} left`;
  const hours = Math.floor(minutes / 60);
  return `about ${hours} hour${hours === 1 ? "" : "s"} left`;
}

for (const element of document.querySelectorAll("[data-pw-deadline]")) {
  const deadline = Date.parse(element.dataset.pwDeadline);
  if (Number.isNaN(deadline)) continue;
  const note = document.createElement("span");
  note.className = "pw-countdown";
  element.after(note);
  const update = () => {
    note.textContent = ` (${remaining(deadline)})`;
  };
  update();
  setInterval(update, 60000);
}
