/* Draws the map that app_pages/ui/maps.py describes in the JSON block #tournee-map-data, with the
   Leaflet inlined before this script: nothing here is fetched from the internet but the map tiles,
   and markers and lines are drawn whether or not the tiles arrive. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tournee-map-data").textContent);
  var HOUSE = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3 2 12h3v9h5v-6h4v6h5v-9h3z"/></svg>';
  var map = L.map("carte", { zoomControl: false });
  L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  // Offline the tiles fail one by one: say so once, and take the line back when a tile arrives.
  var notice = L.control({ position: "bottomleft" });
  notice.onAdd = function () {
    var box = L.DomUtil.create("div", "tournee-offline");
    box.textContent = data.offline;
    return box;
  };
  var noticeShown = false;
  var tiles = L.tileLayer(data.tiles, { attribution: data.credit, maxZoom: 19 });
  tiles.on("tileerror", function () {
    if (!noticeShown) {
      noticeShown = true;
      notice.addTo(map);
    }
  });
  tiles.on("tileload", function () {
    if (noticeShown) {
      noticeShown = false;
      notice.remove();
    }
  });
  tiles.addTo(map);

  data.routes.forEach(function (route) {
    L.polyline(route.line, { color: route.colour, weight: 3, opacity: 0.8, className: "tournee-route" })
      .bindTooltip(route.label, { sticky: true })
      .addTo(map);
  });
  data.circles.forEach(function (c) {
    var marker = L.circleMarker(c.at, {
      radius: c.radius, color: c.colour, weight: 2, fillOpacity: c.fill, className: "tournee-" + c.kind
    }).bindTooltip(c.label);
    if (c.popup) {
      marker.bindPopup(c.popup, { maxWidth: 260 });
    }
    marker.addTo(map);
  });
  data.depots.forEach(function (d) {
    var icon = L.divIcon({ className: "tournee-depot", html: HOUSE, iconSize: [22, 22] });
    L.marker(d.at, { icon: icon }).bindTooltip(d.label).addTo(map);
  });

  if (data.bounds) {
    map.fitBounds(data.bounds, { padding: [12, 12] });
  } else {
    map.setView(data.centre, data.zoom);
  }
})();
