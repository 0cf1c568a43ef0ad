// Labels at the unstated ends of route legs crowd the map when zoomed out: show them from
// zoom 6 (dashboard/map/vague.py). {{map}} is replaced by the map's variable name.
(function () {
  var map = {{map}};
  function update() {
    map.getContainer().classList.toggle("vague-zoomed-out", map.getZoom() < 6);
  }
  map.on("zoomend", update);
  map.whenReady(update);
})();
