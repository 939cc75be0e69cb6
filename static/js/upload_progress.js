// Polls the upload's progress while the list is checked in the background, then reloads for the result.
(function () {
  "use strict";
  var section = document.getElementById("processing");
  if (!section) { return; }
  var url = section.dataset.progressUrl;
  var box = section.querySelector(".progress");
  var bar = section.querySelector(".progress-bar");
  var statusText = document.getElementById("processing-status");
  var rowsText = document.getElementById("processing-rows");
  var rowsTemplate = section.dataset.rowsTemplate;
  // The page carries the percentage as data: the site's policy allows no inline style attribute.
  bar.style.width = (bar.dataset.percent || "0") + "%";

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.finished) { window.location.reload(); return; }
        box.setAttribute("aria-valuenow", String(data.percent));
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        statusText.textContent = data.status_label + "…";
        if (rowsTemplate) {
          rowsText.textContent = rowsTemplate.replace("{done}", data.rows_done).replace("{total}", data.rows_total);
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
