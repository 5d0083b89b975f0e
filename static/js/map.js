/* Draws a page's map on its Leaflet map, from one of two sources:
   - #map-features: the few features a detail page embeds (a GeoJSON FeatureCollection);
   - #<map>-layers: the layers a page over a whole scope declares ({id, bounds, layers: [{url}],
     messages}), fetched for the visible extent and zoom on load and after every move (wushui/maps.py).
   Works with no tile layer at all: government intranets are often offline. The container's
   data-feature-count says how many features are drawn. */
(function () {
  "use strict";
  var COLOURS = {
    blue: "#1f6feb", teal: "#0f8b8d", green: "#2da44e", red: "#cf222e", orange: "#d4750b",
    purple: "#8250df", indigo: "#4b3fd1", cyan: "#0aa2c0", yellow: "#bf8700", brown: "#8c5a2b", grey: "#6e7781"
  };
  // A pan or a zoom often comes in bursts (a drag, a wheel): fetch once they stop.
  var MOVE_DELAY_MS = 300;
  var FIT_OPTIONS = { padding: [16, 16], maxZoom: 16 };

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
    (properties.chiefs || []).concat(properties.units || [], properties.lines || []).forEach(function (line) {
      html += "<br>" + escapeHtml(line);
    });
    return html;
  }

  function geoJson(data) {
    return L.geoJSON(data, {
      style: function (feature) {
        var colour = COLOURS[feature.properties.colour] || COLOURS.blue;
        if (feature.geometry.type === "Point") {
          // Stations and outlets: a dot in the colour of their class or status.
          return { color: "#ffffff", weight: 1.5, fillColor: colour, fillOpacity: 0.9, radius: 7 };
        }
        var isArea = /Polygon/.test(feature.geometry.type);
        return { color: colour, weight: isArea ? 1.5 : 4, opacity: 0.9, fillOpacity: isArea ? 0.08 : 0 };
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng);
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindPopup(popup(feature.properties));
        featureLayer.bindTooltip(escapeHtml(feature.properties.name), { sticky: true });
      }
    });
  }

  function setCount(map, count) {
    map.getContainer().setAttribute("data-feature-count", String(count));
  }

  function readJson(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function drawFixed(map, data) {
    if (!data || !data.features.length) { return; }
    var layer = geoJson(data).addTo(map);
    map.fitBounds(layer.getBounds(), FIT_OPTIONS);
    setCount(map, data.features.length);
  }

  function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }

  function visibleBox(map) {
    var bounds = map.getBounds();
    return [
      clamp(bounds.getWest(), -180, 180), clamp(bounds.getSouth(), -90, 90),
      clamp(bounds.getEast(), -180, 180), clamp(bounds.getNorth(), -90, 90)
    ].map(function (value) { return value.toFixed(6); }).join(",");
  }

  function noticeBox(map) {
    var control = L.control({ position: "bottomleft" });
    var element = L.DomUtil.create("div", "map-notice");
    element.setAttribute("role", "status");
    element.hidden = true;
    control.onAdd = function () { return element; };
    control.addTo(map);
    return function (lines) {
      element.textContent = lines.join(" ");
      element.hidden = !lines.length;
    };
  }

  function drawLayers(map, config) {
    var container = map.getContainer();
    var showNotices = noticeBox(map);
    var layers = config.layers.map(function (spec) {
      return { url: spec.url, group: geoJson(null).addTo(map), request: null, count: 0, notices: [] };
    });
    var timer = null;

    function load(layer, box, zoom) {
      if (layer.request) { layer.request.abort(); }
      var request = new AbortController();
      layer.request = request;
      var url = layer.url + (layer.url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + box + "&zoom=" + zoom;
      return fetch(url, { signal: request.signal, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (layer.request !== request) { return; }
          layer.group.clearLayers();
          layer.group.addData(data);
          layer.count = data.features.length;
          layer.notices = data.notices || [];
          layer.request = null;
        })
        .catch(function (error) {
          if (layer.request !== request) { return; }  // aborted by a newer view
          layer.request = null;
          layer.notices = [config.messages.failed];
          if (window.console) { window.console.warn("map layer", layer.url, error); }
        });
    }

    function refresh() {
      timer = null;
      if (!document.body.contains(container)) { return; }  // swapped out by htmx
      var box = visibleBox(map);
      var zoom = Math.round(map.getZoom());
      container.setAttribute("data-loading", "");
      Promise.all(layers.map(function (layer) { return load(layer, box, zoom); })).then(function () {
        if (layers.some(function (layer) { return layer.request; })) { return; }  // a newer view is loading
        setCount(map, layers.reduce(function (sum, layer) { return sum + layer.count; }, 0));
        showNotices(layers.reduce(function (lines, layer) { return lines.concat(layer.notices); }, []));
        container.setAttribute("data-loaded-bbox", box);
        container.setAttribute("data-loaded-zoom", String(zoom));
        container.removeAttribute("data-loading");
      });
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(refresh, MOVE_DELAY_MS);
    }

    setCount(map, 0);
    if (config.bounds) {
      var b = config.bounds;  // west, south, east, north: the extent of what the layers can show
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], FIT_OPTIONS);
    }
    map.on("moveend", schedule);
    if (layers.length) { schedule(); }
  }

  window.wushuiDrawFeatures = function (map) {
    var config = readJson(map.getContainer().id + "-layers");
    if (config) {
      drawLayers(map, config);
    } else {
      drawFixed(map, readJson("map-features"));
    }
  };

  // htmx keeps a copy of the page for going back, and restores it by running its scripts again, which
  // start the map anew (components/map.html): the copy must hold the empty container, not a drawn map.
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    event.detail.historyElt.querySelectorAll(".leaflet-container-default").forEach(function (element) {
      element.innerHTML = "";
      element.className = "leaflet-container-default";
      ["style", "tabindex", "data-feature-count", "data-loaded-bbox", "data-loaded-zoom", "data-loading"].forEach(
        function (name) { element.removeAttribute(name); }
      );
    });
  });
})();
