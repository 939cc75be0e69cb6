// The staff menu's badges: how much waits on each page and group, from the staff dashboard's figures.
// The menu itself is server-rendered; the counts come from one small JSON request, so that no page
// pays for them. A badge with nothing waiting stays hidden.
(function () {
  "use strict";
  var menu = document.getElementById("staff-menu");
  if (!menu || !window.fetch) {
    return;
  }
  var suffix = menu.getAttribute("data-badge-text") || "";
  fetch(menu.getAttribute("data-counts-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : { counts: {} };
    })
    .then(function (data) {
      var counts = data.counts || {};
      menu.querySelectorAll("[data-badge]").forEach(function (badge) {
        var count = counts[badge.getAttribute("data-badge")];
        if (!count) {
          return;
        }
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " " + suffix;
        badge.textContent = count.toLocaleString("vi-VN");
        badge.appendChild(hidden);
        badge.hidden = false;
      });
    })
    .catch(function () {
      // No badges is a menu that still works.
    });
})();
