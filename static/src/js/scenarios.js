// MI scenario pages: progressive enhancement only (every step works without JavaScript).
// After each step the server redirects to the play page; move focus to the parent's
// reply (or the result heading) so keyboard and screen-reader users continue from the
// new content rather than the top of the page, and stop a double submit.

const target = document.querySelector("[data-scenario-focus]");
if (target && (window.location.hash === `#${target.id}` || target.id === "result-heading")) {
  target.focus({ preventScroll: false });
}

for (const form of document.querySelectorAll(".scenario-form")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
  });
}
