// The staff import job page: poll the job's progress and show it; reload for the outcome.
// Screen readers hear the status line (role=status, polite) when its wording changes, at most
// every ten seconds while rows are being checked, so they are told without being flooded.
(function () {
    "use strict";
    var section = document.querySelector("[data-progress-url]");
    if (!section) {
        return;
    }
    var url = section.getAttribute("data-progress-url");
    var bar = document.getElementById("job-progress");
    var status = document.getElementById("job-status");
    var lastSpoken = 0;
    var lastStatus = null;

    function show(state) {
        if (state.rows_total) {
            bar.max = state.rows_total;
            bar.value = state.rows_done;
            bar.textContent = state.rows_done + " of " + state.rows_total + " rows";
        }
        var now = Date.now();
        if (state.status !== lastStatus || now - lastSpoken > 10000) {
            status.textContent = state.message;
            lastSpoken = now;
            lastStatus = state.status;
        }
    }

    function poll() {
        fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("progress answered " + response.status);
                }
                return response.json();
            })
            .then(function (state) {
                if (state.finished) {
                    window.location.reload();
                    return;
                }
                show(state);
                window.setTimeout(poll, state.stalled ? 30000 : 1000);
            })
            .catch(function () {
                status.textContent = "Progress could not be fetched. Use the refresh link to see the latest.";
            });
    }

    window.setTimeout(poll, 1000);
})();
