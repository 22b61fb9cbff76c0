/* Kiosk mode: return to the start screen after inactivity, and an on-screen keyboard for
 * the search box. No libraries; settings come from data attributes on <body>:
 *   data-idle-seconds     seconds without a touch before returning (default 90)
 *   data-warning-seconds  the countdown shown before returning (default 10)
 *   data-home-url         the start screen
 */
(function () {
  "use strict";

  var body = document.body;
  var idleSeconds = positiveNumber(body.dataset.idleSeconds, 90);
  var warningSeconds = Math.min(positiveNumber(body.dataset.warningSeconds, 10), idleSeconds);
  var homeUrl = body.dataset.homeUrl || "/kiosk/";
  var warning = document.querySelector("[data-idle-warning]");
  var countdown = warning && warning.querySelector("[data-idle-count]");
  var lastActivity = Date.now();

  function positiveNumber(text, fallback) {
    var value = Number(text);
    return value > 0 ? value : fallback;
  }

  function searchBoxes() {
    return document.querySelectorAll("input[type=search]");
  }

  // The start screen with nothing typed needs no reset, so it never shows the warning.
  function atStart() {
    var typed = Array.prototype.some.call(searchBoxes(), function (box) { return box.value; });
    return location.pathname === homeUrl && !location.search && !typed;
  }

  function hideWarning() {
    if (warning) { warning.hidden = true; }
  }

  function noteActivity() {
    lastActivity = Date.now();
    hideWarning();
  }

  function tick() {
    var left = idleSeconds - Math.floor((Date.now() - lastActivity) / 1000);
    if (atStart()) {
      hideWarning();
      return;
    }
    if (left <= 0) {
      location.assign(homeUrl);
      return;
    }
    if (left <= warningSeconds && warning) {
      countdown.textContent = String(left);
      warning.hidden = false;
    }
  }

  ["pointerdown", "touchstart", "keydown", "input", "wheel", "scroll"].forEach(function (type) {
    window.addEventListener(type, noteActivity, { passive: true, capture: true });
  });
  window.setInterval(tick, 1000);

  // Coming back with the browser's back button restores a frozen page: start afresh.
  window.addEventListener("pageshow", noteActivity);

  // The keyboard opens when the search box is touched, so the field tiles stay in view
  // for those who browse instead.
  document.querySelectorAll("[data-kiosk-keyboard]").forEach(function (keyboard) {
    var input = document.getElementById(keyboard.dataset.kioskKeyboard);
    if (!input) { return; }
    input.addEventListener("focus", function () { keyboard.hidden = false; });
    keyboard.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) { return; }
      var value = key.dataset.key;
      if (value === "close") {
        keyboard.hidden = true;
        return;
      }
      if (value === "backspace") {
        input.value = input.value.slice(0, -1);
      } else if (value === "clear") {
        input.value = "";
      } else if (input.value.length < (input.maxLength > 0 ? input.maxLength : 200)) {
        input.value += value;
      }
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
