// The mounted map's own words (legend, its fold button, zoom and full-screen buttons) in the
// language the reader switched to. The map is built once per session in the language it was
// opened in and never reloaded (a reload blanks it); a language switch sends its words with
// the layers, and this puts them in place. Runs inside the map frame, after behaviour.js.
(function () {
    var E = window.escapeeMap;
    window.escapeeMapWords = function (words) {
        if (E && E.opts) { E.opts.words = Object.assign({}, E.opts.words, words.behaviour); }
        var div = document.querySelector(".map-legend");
        if (div) {
            var body = div.querySelector(".lg-body");
            if (body && body.getAttribute("data-lang") !== words.lang) {
                // Keep which rows apply: the layers' legend call may have run before this.
                var shown = {};
                body.querySelectorAll("[data-legend], [data-legend-head]").forEach(function (el) {
                    var k = el.getAttribute("data-legend") || "head:" + el.getAttribute("data-legend-head");
                    shown[k] = el.style.display;
                });
                body.innerHTML = words.legendHtml;
                body.setAttribute("data-lang", words.lang);
                body.querySelectorAll("[data-legend], [data-legend-head]").forEach(function (el) {
                    var k = el.getAttribute("data-legend") || "head:" + el.getAttribute("data-legend-head");
                    if (k in shown) { el.style.display = shown[k]; }
                });
            }
            var toggle = div.querySelector(".lg-toggle");
            if (toggle) {
                toggle.textContent = div.classList.contains("folded")
                    ? words.behaviour.legend : words.behaviour.hideLegend;
            }
        }
        [["in", words.behaviour.zoomIn], ["out", words.behaviour.zoomOut]].forEach(function (pair) {
            var button = document.querySelector(".leaflet-control-zoom-" + pair[0]);
            if (button) {
                button.setAttribute("title", pair[1]);
                button.setAttribute("aria-label", pair[1]);
            }
        });
        var full = document.querySelector(".leaflet-control-fullscreen-button, .leaflet-control-fullscreen a");
        if (full) {
            full.setAttribute("title", words.fullScreen);
            full.setAttribute("aria-label", words.fullScreen);
        }
    };
})();
