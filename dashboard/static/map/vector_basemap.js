// The shipped vector basemap (dashboard/map/vector_basemap.py): land, the area beyond the
// file's extent, borders made from the land outlines minus the clip box, and North
// Korean provinces. The Python side replaces the placeholders with names and GeoJSON.
(function() {
    var group = __GROUP__, S = __STYLE__, frame = __FRAME__, online = __ONLINE__;
    var land = __LAND__, outside = __OUTSIDE__, provinces = __PROVINCES__;
    if (!online) {
        L.geoJson(outside, {interactive: false, style: S.outside}).addTo(group);
        L.geoJson(land, {interactive: false, style: S.land}).addTo(group);
    }
    function onFrame(a, b) {  // a ring segment lying on the clip box: not a real border
        return (a[0] === b[0] && (a[0] === frame[0] || a[0] === frame[2])) ||
               (a[1] === b[1] && (a[1] === frame[1] || a[1] === frame[3]));
    }
    var lines = [];
    land.features.forEach(function (f) {
        var g = f.geometry;
        if (!g) { return; }
        var polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
        polygons.forEach(function (rings) {
            rings.forEach(function (ring) {
                var run = [];
                for (var i = 0; i < ring.length; i++) {
                    if (i > 0 && onFrame(ring[i - 1], ring[i])) {
                        if (run.length > 1) { lines.push(run); }
                        run = [];
                    }
                    run.push([ring[i][1], ring[i][0]]);
                }
                if (run.length > 1) { lines.push(run); }
            });
        });
    });
    L.polyline(lines, Object.assign({interactive: false}, S.borders)).addTo(group);
    if (provinces) {
        L.geoJson(provinces, {interactive: false, style: S.provinces}).addTo(group);
    }
})();
