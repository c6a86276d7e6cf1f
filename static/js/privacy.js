// My data: while a copy of the data is being prepared, ask the server every few seconds and reload the
// page once it is ready (or failed). Without JavaScript the page has a "Check again" link.
(function () {
  var box = document.getElementById("export-status");
  if (!box || !window.fetch) return;
  var label = document.getElementById("export-status-label");
  var bar = document.getElementById("export-progress");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        label.textContent = data.label;
        bar.value = data.progress;
        if (data.status === "done" || data.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
