// "Select all" for the verification page's checkboxes (disabled rows stay unselected).
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll('#verification-form input[name="student"]:not(:disabled)').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
