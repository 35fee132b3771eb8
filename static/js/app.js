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

  document.addEventListener("DOMContentLoaded", preselectTimezone);
})();
