/* Draws the page's features (a GeoJSON FeatureCollection in #map-features) on its Leaflet map.
   Works with no tile layer at all: government intranets are often offline. */
(function () {
  "use strict";
  var COLOURS = {
    blue: "#1f6feb", teal: "#0f8b8d", green: "#2da44e", red: "#cf222e", orange: "#d4750b",
    purple: "#8250df", indigo: "#4b3fd1", cyan: "#0aa2c0", yellow: "#bf8700", brown: "#8c5a2b", grey: "#6e7781"
  };

  window.wushuiColours = COLOURS;

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function popup(properties) {
    var html = properties.url
      ? '<a href="' + escapeHtml(properties.url) + '">' + escapeHtml(properties.name) + "</a>"
      : "<strong>" + escapeHtml(properties.name) + "</strong>";
    (properties.chiefs || []).forEach(function (line) { html += "<br>" + escapeHtml(line); });
    return html;
  }

  window.wushuiDrawFeatures = function (map) {
    var source = document.getElementById("map-features");
    var data = source ? JSON.parse(source.textContent) : null;
    if (!data || !data.features.length) { return; }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var colour = COLOURS[feature.properties.colour] || COLOURS.blue;
        var isArea = /Polygon/.test(feature.geometry.type);
        return { color: colour, weight: isArea ? 1.5 : 4, opacity: 0.9, fillOpacity: isArea ? 0.08 : 0 };
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindPopup(popup(feature.properties));
        featureLayer.bindTooltip(escapeHtml(feature.properties.name), { sticky: true });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 16 });
    map.getContainer().setAttribute("data-feature-count", String(data.features.length));
  };
})();
