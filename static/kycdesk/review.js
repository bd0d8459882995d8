/* kycdesk case page conveniences: zoom and rotate the document images, and link each field row
   to its box. Everything else on the page works without this file (the box toggle is CSS). */
(function () {
  "use strict";
  var ZOOM_STEP = 1.25, ZOOM_MIN = 0.5, ZOOM_MAX = 6;

  function setup(figure) {
    var stage = figure.querySelector(".kd-stage");
    var tools = figure.querySelector(".kd-tools");
    if (!stage || !tools) return;
    var zoom = 1, rotate = 0;
    // After a quarter turn about the top-left corner, this shift brings the image back into view.
    var SHIFT = { 0: ["0", "0"], 90: ["0", "-100%"], 180: ["-100%", "-100%"], 270: ["-100%", "0"] };
    function apply() {
      stage.style.setProperty("--kd-zoom", String(zoom));
      stage.style.setProperty("--kd-rotate", rotate + "deg");
      stage.style.setProperty("--kd-tx", SHIFT[rotate][0]);
      stage.style.setProperty("--kd-ty", SHIFT[rotate][1]);
    }
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-kd]");
      if (!button) return;
      var what = button.getAttribute("data-kd");
      if (what === "zoom-in") zoom = Math.min(ZOOM_MAX, zoom * ZOOM_STEP);
      else if (what === "zoom-out") zoom = Math.max(ZOOM_MIN, zoom / ZOOM_STEP);
      else if (what === "rotate") rotate = (rotate + 90) % 360;
      else { zoom = 1; rotate = 0; }
      apply();
    });
  }

  function linkRows() {
    document.querySelectorAll("tr[data-box]").forEach(function (row) {
      var box = document.getElementById(row.getAttribute("data-box"));
      if (!box) return;
      function on() { row.classList.add("kd-hover"); box.classList.add("kd-hover"); }
      function off() { row.classList.remove("kd-hover"); box.classList.remove("kd-hover"); }
      row.addEventListener("mouseenter", on);
      row.addEventListener("mouseleave", off);
    });
  }

  function init() {
    document.querySelectorAll(".kd-figure").forEach(setup);
    linkRows();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
