// Pupil list upload: sends the file with XMLHttpRequest to show how much is sent.
// Without JavaScript the form posts normally and the server redirects the same way.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData) { return; }
  var box = document.getElementById("upload-progress");
  var bar = box.querySelector(".progress-bar");
  var errorBox = document.getElementById("upload-error");
  var button = form.querySelector("button[type=submit]");
  var fileInput = form.querySelector("input[type=file]");
  var describedBy = fileInput ? (fileInput.getAttribute("aria-describedby") || "") : "";

  // The server's message belongs to the file field: marked invalid and described by the message.
  function markFile(invalid) {
    if (!fileInput) { return; }
    if (invalid) {
      fileInput.classList.add("is-invalid");
      fileInput.setAttribute("aria-invalid", "true");
      fileInput.setAttribute("aria-describedby", (describedBy + " " + errorBox.id).trim());
      fileInput.focus();
    } else {
      fileInput.classList.remove("is-invalid");
      fileInput.removeAttribute("aria-invalid");
      if (describedBy) { fileInput.setAttribute("aria-describedby", describedBy); } else { fileInput.removeAttribute("aria-describedby"); }
    }
  }

  function show(percent) {
    box.classList.remove("d-none");
    box.setAttribute("aria-valuenow", String(percent));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
  }

  function fail(text, aboutTheFile) {
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
    box.classList.add("d-none");
    markFile(aboutTheFile);
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.classList.add("d-none");
    markFile(false);
    button.disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("action") || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { show(Math.round((100 * e.loaded) / e.total)); }
    });
    request.addEventListener("load", function () {
      var data = {};
      try { data = JSON.parse(request.responseText); } catch (ignored) { data = {}; }
      if (request.status === 200 && data.redirect) {
        show(100);
        window.location.assign(data.redirect);
      } else if (data.errors && data.errors.length) {
        fail(data.errors.join(" "), true);
      } else {
        fail(form.dataset.failMessage + " (" + request.status + ")", false);
      }
    });
    request.addEventListener("error", function () {
      fail(form.dataset.failMessage, false);
    });
    show(0);
    request.send(new FormData(form));
  });
})();
