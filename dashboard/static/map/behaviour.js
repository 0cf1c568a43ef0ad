// What the dashboard's map does that never changes between app reruns: keeping the view on
// the basemap, fitting or moving the view when the app asks (once per request), the legend
// showing only what is drawn, reporting a clicked incident by its id, and forwarding the
// briefing keys to the app page. The app sends its layers separately (streamlit-folium's
// feature groups), so a filter change swaps layers without reloading this map.
(function () {
    "use strict";
    var E = (window.escapeeMap = window.escapeeMap || {});

    // leaflet-textpath repeats a route's word along its leg as many times as the word fits,
    // measured in the page: while the frame is not laid out (a briefing step redrawing the
    // legs) the word measures 0 px and the plugin asks for an array of infinite length. Then
    // the word waits for the next redraw instead of throwing from inside Leaflet's.
    var setText = L.Polyline.prototype.setText;
    if (setText && !setText.guarded) {
        L.Polyline.prototype.setText = function (text, options) {
            try {
                return setText.call(this, text, options);
            } catch (err) {
                if (!(err instanceof RangeError)) { throw err; }
                this._text = text;
                this._textOptions = options;
                return this;
            }
        };
        L.Polyline.prototype.setText.guarded = true;
    }

    E.init = function (map, opts) {
        E.map = map;
        E.opts = opts;
        E.lastToken = null;
        E.clicks = 0;
        var ext = L.latLngBounds([opts.extent[1], opts.extent[0]], [opts.extent[3], opts.extent[2]]);
        E.extent = ext;
        // The basemap ends at its extent: the map never zooms out beyond it. (Not maxBounds:
        // its animated pan back inside, after every move, races a fit arriving meanwhile and
        // leaves the icons out of step with the lines.)
        function keepInside() {
            var size = map.getSize();
            if (!size.x || !size.y) { return; }
            var z = Math.max(opts.minZoom || 2, map.getBoundsZoom(ext, true));
            // Not setMinZoom: it zooms with an animation, which a fit arriving meanwhile
            // interrupts, leaving the icons out of step with the lines.
            map.options.minZoom = z;
            if (map.getZoom() < z) { map.setZoom(z, {animate: false}); }
        }
        keepInside();
        map.on("resize", function () { keepInside(); E.onResize(); });
        map.on("dragstart", function () { E.moved = true; });
        map.getContainer().addEventListener("wheel", function () { E.moved = true; }, {passive: true});
        var zoomControl = map.getContainer().querySelector(".leaflet-control-zoom");
        if (zoomControl) { zoomControl.addEventListener("click", function () { E.moved = true; }); }
        if (opts.presentation) {
            document.body.classList.add("presentation");
            document.addEventListener("keydown", function (e) {
                if (["ArrowLeft", "ArrowRight", "Escape"].indexOf(e.key) < 0) { return; }
                try {
                    if (window.parent && window.parent.escapeeBriefKey) {
                        window.parent.escapeeBriefKey(e.key);
                        e.preventDefault();
                    }
                } catch (err) { /* another origin: nothing to forward to */ }
            });
        }
        // The frame's document in the reader's language, titled for what it holds (not
        // streamlit-folium's generic title; an exported page keeps the title it was given).
        document.documentElement.lang = opts.lang;
        if (!document.title || document.title === "Streamlit Folium Component") {
            document.title = opts.title;
        }
        // Leaflet's zoom buttons name themselves in English: name them in the reader's language.
        [["in", opts.words.zoomIn], ["out", opts.words.zoomOut]].forEach(function (pair) {
            var zoomButton = map.getContainer().querySelector(".leaflet-control-zoom-" + pair[0]);
            if (zoomButton) {
                zoomButton.title = pair[1];
                zoomButton.setAttribute("aria-label", pair[1]);
            }
        });
        L.control.scale({position: "topright"}).addTo(map);
        map.on("zoomend layeradd resize", E.declutter);
        // A keyboard user keeps their place: the app swaps the incident layers after a selection
        // (Enter on a marker), which removes the focused marker; its successor takes the focus,
        // unless the reader has moved on outside the map meanwhile.
        map.getContainer().addEventListener("focusin", function (e) {
            E.focusedId = null;
            map.eachLayer(function (layer) {
                if (layer.options && layer.options.incidentId && layer.getElement &&
                        layer.getElement() === e.target) {
                    E.focusedId = layer.options.incidentId;
                }
            });
        });
        map.on("layeradd", function (e) {
            var layer = e.layer, active = document.activeElement;
            if (!E.focusedId || !layer.options || layer.options.incidentId !== E.focusedId) { return; }
            if (!document.hasFocus() || (active && active !== document.body)) { return; }
            var el = layer.getElement && layer.getElement();
            if (el) { el.focus({preventScroll: true}); }
        });
    };

    // Place labels never overprint each other: at each zoom, a label that would overlap one
    // already shown (or an area's count label) is hidden until zooming in makes room.
    E.declutter = function () {
        clearTimeout(E.declutterTimer);
        E.declutterTimer = setTimeout(function () {
            var taken = [];
            document.querySelectorAll(".area-label > div").forEach(function (el) {
                taken.push(el.getBoundingClientRect());
            });
            document.querySelectorAll(".place-label > div").forEach(function (el) {
                el.style.visibility = "";
                var r = el.getBoundingClientRect();
                var clash = taken.some(function (t) {
                    return r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom;
                });
                if (clash) { el.style.visibility = "hidden"; } else { taken.push(r); }
            });
        }, 0);
    };

    // Space the legend and the controls take, so a fitted view keeps every mark clear of them.
    E.padding = function () {
        var box = E.map.getContainer().getBoundingClientRect();
        var top = 28, bottom = 14, side = 20;  // room for icons fanned out around a point
        var controls = E.map.getContainer().querySelectorAll(".leaflet-control");
        for (var i = 0; i < controls.length; i++) {
            var r = controls[i].getBoundingClientRect();
            if (!r.height) { continue; }
            if (controls[i].closest(".leaflet-top")) {
                if (r.width < 60) { continue; }  // zoom buttons: the side padding clears them
                top = Math.max(top, r.bottom - box.top + 8);
            } else if (!controls[i].classList.contains("leaflet-control-attribution")) {
                bottom = Math.max(bottom, box.bottom - r.top + 22);
            }
        }
        return {topLeft: L.point(side + 34, top), bottomRight: L.point(side + 34, bottom)};
    };

    // A view request from the app: {token, bounds: [[s, w], [n, e]], maxZoom} fits them;
    // {token, center: [lat, lon], zoom} goes there. Each token is applied once per map, so a
    // rerun that repeats the request leaves the user's own panning alone.
    E.view = function (cmd) {
        var map = E.map;
        if (!map || !cmd || cmd.token === E.lastToken) { return; }
        map.invalidateSize(false);
        var size = map.getSize(), pad = E.padding();
        var room = size.subtract(pad.topLeft).subtract(pad.bottomRight);
        if (room.x < 80 || room.y < 80) {  // the frame is not laid out yet: try again soon
            E.pending = cmd;
            cmd.tries = (cmd.tries || 0) + 1;
            if (cmd.tries < 100) {
                setTimeout(function () { if (E.pending === cmd) { E.view(cmd); } }, 50);
            }
            return;
        }
        E.pending = null;
        E.lastToken = cmd.token;
        E.apply(cmd);
        // The frame may still be settling (Streamlit sizes it after the first draw): look
        // again once it has, unless the user has taken over.
        [250, 1000].forEach(function (ms) {
            setTimeout(function () {
                if (E.lastCmd === cmd && !E.moved) { E.map.invalidateSize(false); E.apply(cmd); }
            }, ms);
        });
    };
    E.apply = function (cmd) {
        var map = E.map;
        if (cmd.bounds) {
            var pad = E.padding();
            map.fitBounds(cmd.bounds, {
                paddingTopLeft: pad.topLeft,
                paddingBottomRight: pad.bottomRight,
                maxZoom: cmd.maxZoom || 8,
                animate: false
            });
        } else if (cmd.center) {
            map.setView(cmd.center, cmd.zoom, {animate: false});
        }
        E.moved = false;
        E.lastCmd = cmd;
        E.lastView = {token: cmd.token, center: map.getCenter(), zoom: map.getZoom()};
    };
    // A frame resized after a fit (the page laying out, a window resized) fits again, unless
    // the user has moved the map since.
    E.onResize = function () {
        if (E.pending) { E.view(E.pending); return; }
        if (E.lastCmd && E.lastCmd.bounds && !E.moved) { E.apply(E.lastCmd); }
    };

    // The legend's fold button (the legend control calls this once it is on the map).
    E.legendSetup = function () {
        var KEY = "escapee-map-legend-folded";
        var div = document.querySelector(".map-legend");
        if (!div) { return; }
        var button = div.querySelector(".lg-toggle");
        function show(folded) {
            div.classList.toggle("folded", folded);
            button.textContent = folded ? E.opts.words.legend : E.opts.words.hideLegend;  // from Python, in the reader's language
            button.setAttribute("aria-expanded", String(!folded));
            try { localStorage.setItem(KEY, folded ? "1" : "0"); } catch (e) { /* private mode */ }
        }
        var folded = false;
        try { folded = localStorage.getItem(KEY) === "1"; } catch (e) { /* private mode */ }
        show(folded);
        L.DomEvent.on(button, "click", function () { show(!div.classList.contains("folded")); });
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
    };
    // Which legend rows apply to what is drawn now.
    E.legend = function (present) {
        var rows = document.querySelectorAll(".map-legend [data-legend]");
        var any = {cat: false, status: false};
        for (var i = 0; i < rows.length; i++) {
            var key = rows[i].getAttribute("data-legend"), kind = key.split(":")[0];
            var on = present.indexOf(key) >= 0;
            rows[i].style.display = on ? "" : "none";
            if (on && kind in any) { any[kind] = true; }
        }
        var heads = document.querySelectorAll(".map-legend [data-legend-head]");
        for (var j = 0; j < heads.length; j++) {
            heads[j].style.display = any[heads[j].getAttribute("data-legend-head")] ? "" : "none";
        }
    };

    // A layer sent as data (dashboard/map/scripts.LayerScript): route legs, labels and vague
    // areas, drawn into their layer group in the order given, each as folium draws the element
    // it stands for: {line, options, tooltip, text: [text, options]} a polyline with its
    // tooltip and leaflet-textpath words; {marker, options, icon, tooltip, popup} a marker with
    // a divIcon; {geojson, style, highlight, tooltip, popup} an area that lightens on hover.
    // Tooltips are sticky; popups ([html, options], or the index of the item whose popup this
    // one opens too) get their content on the first click.
    E.draw = function (group, items) {
        items.forEach(function (item) {
            var layer;
            if (item.line) {
                layer = L.polyline(item.line, item.options);
            } else if (item.marker) {
                layer = L.marker(item.marker, item.options);
                if (item.icon) { layer.setIcon(L.divIcon(item.icon)); }
            } else if (item.geojson) {
                layer = E.area(item);
            } else if (item.ring) {
                // above markers and aggregate circles (markerPane 600), below popups (700)
                if (!E.map.getPane("ring")) {
                    var pane = E.map.createPane("ring");
                    pane.style.zIndex = 650;
                    pane.style.pointerEvents = "none";
                }
                layer = L.circleMarker(item.ring, L.extend({pane: "ring"}, item.options));
            } else {
                return;
            }
            if (item.tooltip !== undefined) {
                layer.bindTooltip("<div>" + item.tooltip + "</div>", {sticky: true});
            }
            // a popup given as a number is the one of that item (an area's label opens the area's)
            var popup = typeof item.popup === "number" ? items[item.popup].popup : item.popup;
            if (popup) { E.lazyPopup(layer, popup[0], popup[1]); }
            if (item.text) { layer.setText(item.text[0], item.text[1]); }
            layer.addTo(group);
        });
    };
    E.area = function (item) {
        var layer = L.geoJson(null, {
            onEachFeature: function (feature, part) {
                part.on({
                    mouseout: function (e) {
                        if (typeof e.target.setStyle === "function") { layer.resetStyle(e.target); }
                    },
                    mouseover: function (e) {
                        if (typeof e.target.setStyle === "function") { e.target.setStyle(item.highlight); }
                    }
                });
            },
            style: function () { return item.style; }
        });
        layer.addData(item.geojson);
        return layer;
    };
    E.lazyPopup = function (layer, html, options) {
        var popup = L.popup(options);
        layer.once("click", function () {
            var box = document.createElement("div");
            box.setAttribute("style", "width: 100.0%; height: 100.0%;");
            box.innerHTML = html;
            popup.setContent(box);
        });
        layer.bindPopup(popup);
    };

    // A click on an incident reports its id (and a running count, so choosing the same
    // incident again after choosing another one still reaches the app).
    E.select = function (id) {
        E.clicks += 1;
        var g = window.__GLOBAL_DATA__;
        if (g) { g.last_object_clicked_popup = id + "#" + E.clicks; }
    };
    E.onIncidentClick = function (e) {
        var id = e.target && e.target.options && e.target.options.incidentId;
        if (id) { E.select(id); }
    };
    // Enter or Space on an incident marker focused with the keyboard (Leaflet puts each marker
    // in the Tab order as a button) does what a click does: the marker's click listeners (the
    // app's selection and streamlit-folium's report; an exported map's popup) all run.
    E.onIncidentKey = function (e) {
        var key = e.originalEvent && e.originalEvent.key;
        if ((key !== "Enter" && key !== " ") || !e.target || !e.target.fire) { return; }
        e.originalEvent.preventDefault();  // Space would scroll the page
        e.target.fire("click", {latlng: e.target.getLatLng(), originalEvent: e.originalEvent});
    };
})();
