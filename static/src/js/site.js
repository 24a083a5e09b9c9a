// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Copy buttons (the authenticator setup key): hidden until the clipboard can be used; a real
// <button>, so Enter and Space work; the result is announced in a polite live region.
if (navigator.clipboard) {
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    const source = document.getElementById(button.dataset.copyTarget);
    const status = button.parentElement.querySelector(".app-copy-status");
    if (!source) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const value = source.dataset.copyValue || source.textContent.replace(/\s+/g, "");
      try {
        await navigator.clipboard.writeText(value);
        button.textContent = "Setup key copied";
        if (status) status.textContent = "The setup key is copied to your clipboard.";
      } catch {
        if (status) status.textContent = "Your browser did not allow copying. Select the key and copy it instead.";
      }
    });
  }
}
