// A table or chart wider than a phone scrolls in its own box; a keyboard user must be able to
// reach that box to scroll it (WCAG 2.1.1, axe's scrollable-region-focusable): each such box
// without a focusable control inside is made focusable, with a visible focus ring (site.css).
(function () {
  "use strict";
  function scrolls(el) {
    var style = getComputedStyle(el);
    var sideways = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth;
    var down = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight;
    return sideways || down;
  }
  function mark() {
    document.querySelectorAll("main *").forEach(function (el) {
      if (el.hasAttribute("tabindex") || !scrolls(el)) {
        return;
      }
      if (el.querySelector("a[href], button, input, select, textarea, [tabindex]")) {
        return;
      }
      el.setAttribute("tabindex", "0");
      el.classList.add("scroll-region");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
