// dietplanner's own script: small progressive enhancements; every page works without it.
(function () {
  "use strict";

  // Preselect the browser's time zone on the sign-up form, when the user has not chosen one.
  function preselectTimezone() {
    var select = document.querySelector("select[data-detect-timezone]");
    if (!select) return;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
    } catch (e) { /* old browser: keep the default */ }
  }

  // A card htmx swapped in for the button that asked for it: move the focus to its heading,
  // so a keyboard or screen-reader user lands on what they opened.
  function focusSwappedHeading(event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.matches || !elt.matches("[data-focus-heading]")) return;
    var heading = elt.querySelector("h2[tabindex='-1'], h3[tabindex='-1']");
    if (heading) heading.focus();
  }

  document.addEventListener("DOMContentLoaded", preselectTimezone);
  document.addEventListener("htmx:load", focusSwappedHeading);
})();
