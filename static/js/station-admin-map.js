// Station admin: a Leaflet map bound to the latitude/longitude inputs of the change form.
(function () {
  "use strict";
  const el = document.getElementById("station-map");
  const lat = document.getElementById("id_latitude");
  const lng = document.getElementById("id_longitude");
  if (!el || !lat || !lng || !window.L) return;
  const start = [parseFloat(lat.value) || 13.75, parseFloat(lng.value) || 100.5];
  const map = L.map(el).setView(start, lat.value ? 13 : 6);
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  const marker = L.circleMarker(start, { radius: 9, color: "#1d4ed8", fillOpacity: 0.8 }).addTo(map);
  function moveTo(latlng) {
    marker.setLatLng(latlng);
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
  }
  map.on("click", (e) => moveTo(e.latlng));
  [lat, lng].forEach((input) =>
    input.addEventListener("change", () => {
      const p = [parseFloat(lat.value), parseFloat(lng.value)];
      if (!isNaN(p[0]) && !isNaN(p[1])) { marker.setLatLng(p); map.panTo(p); }
    })
  );
})();
