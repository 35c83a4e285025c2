/* Exit this page: one tap, or Shift pressed 3 times, replaces this page
   with a neutral site. location.replace() takes this page out of the
   history, so Back does not bring it back. Without JavaScript the button is
   a plain link and still leaves at once. */
(function () {
  "use strict";
  var link = document.querySelector("[data-exit]");
  if (!link || !window.location.replace) {
    return;
  }
  var target = link.getAttribute("href");
  var presses = 0;
  var timer = null;

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    // Hide the page at once, before the next one has loaded.
    document.documentElement.style.visibility = "hidden";
    document.title = "";
    window.location.replace(target);
  }

  link.addEventListener("click", leave);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    if (event.repeat) {
      return;
    }
    presses += 1;
    window.clearTimeout(timer);
    // Three presses, each within 2 seconds of the last.
    timer = window.setTimeout(function () {
      presses = 0;
    }, 2000);
    if (presses >= 3) {
      leave();
    }
  });

  var hint = document.querySelector("[data-exit-hint]");
  if (hint) {
    hint.hidden = false;
  }
})();
