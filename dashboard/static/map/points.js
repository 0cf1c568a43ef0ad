// A large selection (dashboard/map/points.py): at each zoom, the incidents that stand alone
// in their cell of the screen grid are stamped on one canvas, and where several share a cell
// one circle stands for them, its number written inside and its area in proportion to it
// (dashboard/aggregate.py). Zooming in breaks the circles apart; a circle that splits no
// further lists its incidents. The Python side replaces the placeholders (map or group name,
// styles, words, popups flag and data) before sending it. Every word shown comes in W, in the
// reader's language.
(function() {
    // In the app the layer sits in a group that is swapped on the mounted map (window.map).
    var host = __MAP__;  // the map, or (in the app) a group swapped on the mounted map
    var S = __STYLES__, W = __WORDS__, A = __DATA__, POPUPS = __POPUPS__;
    var D = A.singles;
    function unpack(b64, Type) {
        var bin = atob(b64), bytes = new Uint8Array(bin.length);
        for (var j = 0; j < bin.length; j++) { bytes[j] = bin.charCodeAt(j); }
        return new Type(bytes.buffer);
    }
    D.xy = unpack(D.xy, Int32Array);
    D.k = unpack(D.k, Uint8Array);
    D.d = unpack(D.d, Int32Array);
    ["o", "l", "t", "s", "ti", "q"].forEach(function (key) {
        if (D[key] && D[key].i) { D[key].i = unpack(D[key].i, Uint32Array); }
    });
    var NCAT = S.categories.length;
    var levels = A.levels.map(function (lv) {
        var out = {z: lv.z, n: lv.n, xy: unpack(lv.xy, Int32Array), c: unpack(lv.c, Uint32Array),
            b: unpack(lv.b, Int32Array), k: unpack(lv.k, Uint32Array), f: unpack(lv.f, Int32Array),
            g: unpack(lv.g, Int32Array), p: unpack(lv.p, Int16Array)};
        out.show = new Uint8Array(D.n);  // the single incidents drawn at this level
        for (var j = 0; j < out.n; j++) { if (out.f[j] >= 0) { out.show[out.f[j]] = 1; } }
        return out;
    });
    var deepest = levels[levels.length - 1];
    function levelAt(z) {
        var pick = levels[0];
        for (var j = 0; j < levels.length; j++) { if (levels[j].z <= z) { pick = levels[j]; } }
        return pick;
    }
    var NUM = new Intl.NumberFormat(W.numberLocale);
    // A circle's count in the exports' style (export/symbols.compact_number): in full below a
    // thousand, one decimal below ten thousand (2.8K), none above (25K, 251K), so the map and
    // a snapshot of it write the same number.
    var SHORT1 = new Intl.NumberFormat(W.numberLocale, {notation: "compact", maximumFractionDigits: 1});
    var SHORT0 = new Intl.NumberFormat(W.numberLocale, {notation: "compact", maximumFractionDigits: 0});
    var SHORT = {format: function (n) { return (n < 10000 ? SHORT1 : SHORT0).format(n); }};
    var n = D.n, radius = 5, PAD = 0.25;
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    function text(col, i) { return !col ? null : col.v ? col.v[i] : col.u[col.i[i]]; }
    var LOCAL = W.dateLocale && new Intl.DateTimeFormat(W.dateLocale,
        {year: "numeric", month: "long", day: "numeric", timeZone: "UTC"});
    function day(d) {
        var t = new Date(d * 86400000);
        if (LOCAL) { return LOCAL.format(t); }
        return String(t.getUTCDate()).padStart(2, "0") + " " + MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
    }
    function when(i) {
        var s = D.d[2 * i], w = D.d[2 * i + 1];
        if (s < 0) { return W.yearNotStated; }
        return w ? day(s) + " \u2013 " + day(s + w) : day(s);
    }
    function node(tag, cls, content) {
        var el = document.createElement(tag);
        if (cls) { el.className = cls; }
        if (content != null) { el.textContent = content; }
        return el;
    }
    function esc(value) {
        return String(value).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
    }
    function kind(i) {
        var k = D.k[i];
        return {cat: S.categories[Math.floor(k / 12)], level: Math.floor(k / 3) % 4, conf: k % 3};
    }
    function latlng(i) { return L.latLng(D.xy[2 * i + 1] / 1e4, D.xy[2 * i] / 1e4); }
    function label(i) { return D.id[i] + " \u00b7 " + kind(i).cat.label; }
    function popup(i) {
        var c = kind(i), box = node("div", "incident-popup");
        box.dataset.incident = D.id[i];
        var head = node("div", "cat", c.cat.label + " \u00b7 " + D.id[i]);
        head.style.color = c.cat.colour;
        box.appendChild(head);
        var summary = text(D.s, i);
        if (summary != null) { box.appendChild(node("p", "summary", summary)); }
        var table = node("table"), words = text(D.t, i), place = text(D.l, i);
        function row(name, main, muted) {
            var tr = node("tr"), td = node("td", null, main);
            tr.appendChild(node("th", null, name));
            if (muted) { td.appendChild(document.createTextNode(" ")); td.appendChild(node("span", "muted", muted)); }
            tr.appendChild(td);
            table.appendChild(tr);
        }
        row(W.when, words == null ? when(i) : words, words == null ? null : "(" + when(i) + ")");
        row(W.where, place == null ? "" : place,
            S.precision[c.level] + (c.level >= 1 ? W.approximate : ""));
        row(W.confidence, S.confidence[c.conf][2], "(" + S.confidence[c.conf][1] + ")");
        box.appendChild(table);
        var quote = text(D.q, i);
        if (quote != null) { box.appendChild(node("blockquote", null, quote)); }
        var title = text(D.ti, i);
        box.appendChild(node("p", "cite", text(D.o, i) + (title == null ? "" : ", \u201c" + title + "\u201d")));
        if (summary == null || quote == null) {
            box.appendChild(node("p", "muted", W.fullRecord));
        }
        return box;
    }
    // Incidents grouped by how they are drawn (category, hollow when unconfirmed), so each
    // group is one canvas path; drawn in category order, later groups on top.
    var groups = [];
    (function () {
        var lists = {};
        for (var i = 0; i < n; i++) {
            var c = kind(i), hollow = S.confidence[c.conf][0] === "unconfirmed";
            var key = Math.floor(D.k[i] / 12) * 2 + (hollow ? 1 : 0);
            (lists[key] = lists[key] || []).push(i);
        }
        Object.keys(lists).map(Number).sort(function (a, b) { return a - b; }).forEach(function (key) {
            var cat = S.categories[key >> 1], hollow = key & 1;
            groups.push(sprite({rows: Int32Array.from(lists[key]), shape: cat.points,
                fill: hollow ? S.hollowFill : cat.colour, stroke: hollow ? cat.colour : S.outline,
                width: hollow ? 2 : 1}));
        });
    })();
    // Each group's symbol is drawn once into a small canvas and stamped at every incident:
    // far faster than tracing 100,000 paths, and each symbol is filled and outlined in turn.
    function sprite(group) {
        var ratio = window.devicePixelRatio || 1, half = radius + 2, side = Math.ceil(2 * half * ratio);
        var c = document.createElement("canvas"), ctx = c.getContext("2d"), pts = group.shape;
        c.width = c.height = side;
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.beginPath();
        if (pts) {
            var k = radius / 9.5;
            ctx.moveTo(half + (pts[0] - 10) * k, half + (pts[1] - 10) * k);
            for (var q = 2; q < pts.length; q += 2) { ctx.lineTo(half + (pts[q] - 10) * k, half + (pts[q + 1] - 10) * k); }
            ctx.closePath();
        } else {
            ctx.arc(half, half, radius, 0, 2 * Math.PI);
        }
        ctx.globalAlpha = 0.9;
        ctx.fillStyle = group.fill;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.lineWidth = group.width;
        ctx.lineJoin = "round";
        ctx.strokeStyle = group.stroke;
        ctx.stroke();
        group.image = c;
        group.half = half;
        return group;
    }
    // Leaflet puts canvases below SVG in a pane, and the basemap's land is an opaque SVG fill:
    // the symbols get a pane of their own, above the routes and below the labels. The pane
    // lets the mouse through (to routes, labels and the map), and the layer finds the symbol
    // under the pointer itself from the map's mouse events, with a grid of screen cells.
    function makePane(m) {
        if (m.getPane("incidentPoints")) { return; }
        var pane = m.createPane("incidentPoints");
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
    }
    // Aggregates: one focusable circle per cell holding several incidents, its number inside,
    // its area in proportion to that number (on one scale per zoom level, the largest circle
    // of the level at the largest size), ringed by its categories' shares. Its name says how
    // many and of what, for the tooltip and for screen readers alike.
    var RMIN = S.aggregate.minRadius, RMAX = S.aggregate.maxRadius;
    levels.forEach(function (lv) {
        var top = 1;
        for (var j = 0; j < lv.n; j++) { if (lv.c[j] > top) { top = lv.c[j]; } }
        lv.areaK = (RMAX * RMAX) / top;
    });
    function clusterRadius(lv, count) { return Math.max(RMIN, Math.sqrt(lv.areaK * count)); }
    function clusterName(lv, j) {
        var count = NUM.format(lv.c[j]), p = lv.p[j];
        var head = p >= 0 ? W.clusterAround.replace("{n}", count).replace("{place}", A.names[p])
            : W.cluster.replace("{n}", count);
        var parts = [];
        for (var q = 0; q < NCAT; q++) {
            var v = lv.k[j * NCAT + q];
            if (v) { parts.push([v, S.categories[q].label]); }
        }
        parts.sort(function (a, b) { return b[0] - a[0]; });
        return head + ": " + parts.map(function (x) { return x[1] + " " + NUM.format(x[0]); }).join(", ");
    }
    function clusterHtml(lv, j, r) {
        var total = lv.c[j], at = 0, stops = [];
        for (var q = 0; q < NCAT; q++) {
            var v = lv.k[j * NCAT + q];
            if (!v) { continue; }
            var from = at / total * 360, to = (at + v) / total * 360;
            stops.push(S.categories[q].colour + " " + from.toFixed(1) + "deg " + to.toFixed(1) + "deg");
            at += v;
        }
        var side = Math.round(2 * r), font = Math.max(10, Math.min(15, Math.round(r * 0.62)));
        return "<div class='cluster-ring' style='width:" + side + "px;height:" + side +
            "px;background:conic-gradient(" + stops.join(",") + ")'><span class='cluster-count' " +
            "style='font-size:" + font + "px;background:" + S.aggregate.fill + ";color:" +
            S.aggregate.text + "'>" + esc(SHORT.format(total)) + "</span></div>";
    }
    function clusterBounds(lv, j) {
        var b = lv.b;
        return L.latLngBounds([b[4 * j + 1] / 1e4, b[4 * j] / 1e4], [b[4 * j + 3] / 1e4, b[4 * j + 2] / 1e4]);
    }
    // A click on a circle zooms to its incidents, where deeper levels split it; a circle that
    // splits no further (the deepest level sent, or all its incidents at one point) lists them:
    // in the app, in the record panel; in an exported map, a popup says what it holds.
    function openCluster(m, lv, j) {
        var b = clusterBounds(lv, j), spread = !b.getSouthWest().equals(b.getNorthEast());
        if (lv !== deepest && spread) {
            var z = Math.min(Math.max(m.getBoundsZoom(b.pad(0.2)), m.getZoom() + 1), m.getMaxZoom());
            // the reader moved the map: a fit still settling (behaviour.js) must not undo it
            if (window.escapeeMap) { window.escapeeMap.moved = true; }
            m.setView(b.getCenter(), z);
            return;
        }
        var where = L.latLng(lv.xy[2 * j + 1] / 1e4, lv.xy[2 * j] / 1e4);
        if (window.escapeeMap) {
            window.escapeeMap.select("@" + lv.z + "/" + lv.g[2 * j] + "/" + lv.g[2 * j + 1]);
        }
        if (POPUPS) {
            var box = node("div", "cluster-popup");
            box.appendChild(node("p", null, clusterName(lv, j)));
            box.appendChild(node("p", "muted", W.clusterList));
            L.popup({maxWidth: 380}).setLatLng(where).setContent(box).openOn(m);
        }
    }
    function clusterMarker(m, lv, j) {
        var r = clusterRadius(lv, lv.c[j]), name = clusterName(lv, j);
        var marker = L.marker([lv.xy[2 * j + 1] / 1e4, lv.xy[2 * j] / 1e4], {
            icon: L.divIcon({className: "incident-cluster", html: clusterHtml(lv, j, r),
                iconSize: [2 * r, 2 * r]}),
            // above place and area labels (the data comes first), larger ones on top
            keyboard: true, riseOnHover: true, zIndexOffset: 10000 + Math.round(Math.min(lv.c[j], 100000) / 20)
        });
        marker.on("click", function () { openCluster(m, lv, j); });
        marker.on("add", function () {
            var el = marker.getElement();
            el.setAttribute("aria-label", name);
            el.dataset.count = lv.c[j];
            el.dataset.level = lv.z;
            el.addEventListener("keydown", function (ev) {
                if (ev.key !== "Enter" && ev.key !== " ") { return; }
                ev.preventDefault();
                openCluster(m, lv, j);
            });
        });
        // above the circle, or below it near the map's top edge (where the frame would cut
        // the tooltip's first line, its count)
        var below = m.latLngToContainerPoint(marker.getLatLng()).y < 140;
        marker.bindTooltip(name + (lv !== deepest ? " \u2014 " + W.clusterZoom : ""),
            {direction: below ? "bottom" : "top", offset: [0, below ? r : -r], className: "cluster-tip"});
        return marker;
    }
    var Points = L.Layer.extend({
        options: {pane: "incidentPoints"},
        beforeAdd: function (m) { makePane(m); },
        onAdd: function (m) {
            var c = this._canvas = L.DomUtil.create("canvas", "leaflet-layer incident-points");
            c.style[L.DomUtil.testProp(["transformOrigin", "WebkitTransformOrigin"])] = "50% 50%";
            var animated = m.options.zoomAnimation && L.Browser.any3d;
            L.DomUtil.addClass(c, "leaflet-zoom-" + (animated ? "animated" : "hide"));
            this.getPane().appendChild(c);
            // a feature group: a click on a circle reaches the group, where streamlit-folium
            // listens (it hooks the layers on the map when the layers arrive, not later ones)
            this._clusters = L.featureGroup().addTo(m);
            m.on("moveend viewreset resize", this._schedule, this);
            m.on("mousemove", this._hover, this);
            // Clicks are caught on their way down (capture), before an area or a route line
            // under a symbol sees them: the symbol is drawn on top, so it alone answers.
            this._captured = L.bind(this._capture, this);
            m.getContainer().addEventListener("click", this._captured, true);
            m.on("mouseout", this._leave, this);
            if (animated) { m.on("zoomanim", this._animateZoom, this); }
            this._schedule();
        },
        _schedule: function () {
            // One redraw per frame, however many view changes (fitBounds, resize) came first.
            if (!this._frame) { this._frame = L.Util.requestAnimFrame(this._redraw, this); }
        },
        _redraw: function () {
            this._frame = null;
            // Mid zoom animation (fitBounds on load, a zoom click) the view is not settled: the
            // canvas is scaled meanwhile, and zoomend/moveend ask for the real redraw.
            if (!this._map || this._map._animatingZoom) { return; }
            this._reset();
            if (!this.drawnOnce) {
                this.drawnOnce = true;
                document.body.dataset.incidentsDrawn = A.total;
            }
        },
        onRemove: function (m) {
            m.off("moveend viewreset resize", this._schedule, this);
            if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
            m.off("mousemove", this._hover, this);
            m.getContainer().removeEventListener("click", this._captured, true);
            m.off("mouseout", this._leave, this);
            m.off("zoomanim", this._animateZoom, this);
            this._leave();
            L.DomUtil.remove(this._canvas);
            m.removeLayer(this._clusters);
        },
        _project: function () {
            var m = this._map, z = m.getZoom();
            if (this._zoom === z && this._px) { return; }
            var px = new Float64Array(2 * n), mercator = m.options.crs === L.CRS.EPSG3857;
            var size = 256 * Math.pow(2, z), d = Math.PI / 180, max = 85.0511287798;
            for (var i = 0; i < n; i++) {
                var lon = D.xy[2 * i] / 1e4, lat = D.xy[2 * i + 1] / 1e4;
                if (mercator) {
                    var sin = Math.sin(Math.max(Math.min(max, lat), -max) * d);
                    px[2 * i] = size * (0.5 + lon / 360);
                    px[2 * i + 1] = size * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
                } else {
                    var p = m.project([lat, lon], z);
                    px[2 * i] = p.x;
                    px[2 * i + 1] = p.y;
                }
            }
            this._px = px;
            this._zoom = z;
        },
        _reset: function () {
            var m = this._map, size = m.getSize(), ratio = window.devicePixelRatio || 1;
            var pad = size.multiplyBy(PAD).round(), full = size.add(pad.multiplyBy(2));
            var c = this._canvas, topLeft = m.containerPointToLayerPoint(pad.multiplyBy(-1));
            L.DomUtil.setPosition(c, topLeft);
            c.width = full.x * ratio;
            c.height = full.y * ratio;
            c.style.width = full.x + "px";
            c.style.height = full.y + "px";
            this._project();
            var ctx = c.getContext("2d"), origin = m.getPixelOrigin(), pos = m._getMapPanePos();
            var ox = pos.x - origin.x + pad.x, oy = pos.y - origin.y + pad.y;
            this._offset = [ox - pad.x, oy - pad.y];
            ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
            ctx.clearRect(0, 0, full.x, full.y);
            var grid = this._grid = new Map(), cell = 16, reach = radius + 3, seq = 0;
            var lv = levelAt(m.getZoom()), show = lv.show;
            this._order = this._order || new Int32Array(n);
            for (var g = 0; g < groups.length; g++) {
                var group = groups[g], rows = group.rows, image = group.image, half = group.half;
                for (var j = 0; j < rows.length; j++) {
                    var i = rows[j], x = this._px[2 * i] + ox, y = this._px[2 * i + 1] + oy;
                    if (!show[i]) { continue; }
                    if (x < -reach || y < -reach || x > full.x + reach || y > full.y + reach) { continue; }
                    ctx.drawImage(image, x - half, y - half, 2 * half, 2 * half);
                    this._order[i] = seq++;
                    var gx = Math.floor((x - pad.x) / cell), gy = Math.floor((y - pad.y) / cell);
                    var key = gx * 100003 + gy, bucket = grid.get(key);
                    if (bucket) { bucket.push(i); } else { grid.set(key, [i]); }
                }
            }
            this.drawn = seq;
            this._drawClusters(m, lv, pad);
        },
        _drawClusters: function (m, lv, pad) {
            var group = this._clusters, view = m.getPixelBounds(), made = 0;
            group.clearLayers();
            var lo = view.min.subtract(pad), hi = view.max.add(pad), z = m.getZoom();
            for (var j = 0; j < lv.n; j++) {
                if (lv.c[j] < 2) { continue; }
                var p = m.project([lv.xy[2 * j + 1] / 1e4, lv.xy[2 * j] / 1e4], z);
                if (p.x < lo.x || p.y < lo.y || p.x > hi.x || p.y > hi.y) { continue; }
                group.addLayer(clusterMarker(m, lv, j));
                made++;
            }
            document.body.dataset.aggregatesDrawn = made;
            document.body.dataset.aggregateLevel = lv.z;
        },
        _animateZoom: function (e) {
            var m = this._map, scale = m.getZoomScale(e.zoom);
            var pad = m.getSize().multiplyBy(PAD).round();
            var offset = m._getCenterOffset(e.center)._multiplyBy(-scale)
                .subtract(m._getMapPanePos()).subtract(pad);
            L.DomUtil.setTransform(this._canvas, offset, scale);
        },
        _find: function (point) {
            if (!this._grid) { return -1; }
            var cell = 16, gx = Math.floor(point.x / cell), gy = Math.floor(point.y / cell);
            var best = -1, reach = (radius + 2) * (radius + 2);
            for (var ax = gx - 1; ax <= gx + 1; ax++) {
                for (var ay = gy - 1; ay <= gy + 1; ay++) {
                    var bucket = this._grid.get(ax * 100003 + ay);
                    if (!bucket) { continue; }
                    for (var j = 0; j < bucket.length; j++) {
                        var i = bucket[j];
                        var dx = this._px[2 * i] + this._offset[0] - point.x;
                        var dy = this._px[2 * i + 1] + this._offset[1] - point.y;
                        if (dx * dx + dy * dy <= reach && (best < 0 || this._order[i] > this._order[best])) {
                            best = i;
                        }
                    }
                }
            }
            return best;
        },
        _hover: function (e) {
            var m = this._map;
            if (m.dragging && m.dragging.moving()) { return; }
            var i = this._find(e.containerPoint);
            if (i === this._hovered) { return; }
            this._hovered = i;
            if (i < 0) { this._leave(); return; }
            this._tip = this._tip || L.tooltip({direction: "top", offset: [0, -radius]});
            this._tip.setLatLng(latlng(i)).setContent(node("span", null, label(i)));
            if (!m.hasLayer(this._tip)) { this._tip.addTo(m); }
            m.getContainer().style.cursor = "pointer";
        },
        _leave: function () {
            this._hovered = -1;
            if (this._tip && this._map && this._map.hasLayer(this._tip)) { this._map.removeLayer(this._tip); }
            if (this._map) { this._map.getContainer().style.cursor = ""; }
        },
        _capture: function (ev) {
            var m = this._map;
            if (!m || m._draggableMoved(this)) { return; }
            var onMap = ev.target === m.getContainer() || m.getPane("mapPane").contains(ev.target);
            if (!onMap) { return; }  // a control (legend, zoom) over the map
            var p = m.mouseEventToContainerPoint(ev);
            var i = this._find(p);
            if (i < 0) { return; }  // not on a symbol: areas and routes under it get the click
            ev.stopPropagation();
            this._click(i, {containerPoint: p, layerPoint: m.containerPointToLayerPoint(p),
                originalEvent: ev});
        },
        _click: function (i, e) {
            var where = latlng(i);
            if (POPUPS) {
                L.popup({maxWidth: 380}).setLatLng(where).setContent(popup(i)).openOn(this._map);
            }
            // In the app a click selects the incident (its record shows beside the map).
            if (window.escapeeMap) { window.escapeeMap.select(D.id[i]); }
            this.fire("click", {latlng: where, containerPoint: e.containerPoint, layerPoint: e.layerPoint,
                originalEvent: e.originalEvent, sourceTarget: this, incident: D.id[i]});
        }
    });
    var layer = new Points();
    layer.count = A.total;
    layer.addTo(host);
})();
