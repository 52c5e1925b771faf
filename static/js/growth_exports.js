// Batch export progress (成长档案批量导出): polls the JSON status endpoint named by the
// data-qm-export-status attribute and moves the bar; reloads the page once the job has ended
// so the download link or the failure reason shows. No inline script (CSP).
(() => {
  const box = document.querySelector("[data-qm-export-status]");
  if (!box) return;
  const url = box.dataset.qmExportStatus;
  const bar = box.querySelector(".progress-bar");
  const label = box.querySelector("[data-qm-export-label]");
  const setWidth = (percent) => {
    bar.className = bar.className.replace(/\bqm-w-\d+\b/, "") + ` qm-w-${percent}`;
    bar.textContent = `${percent}%`;
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  };
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      setWidth(data.progress);
      if (label) label.textContent = data.status_display;
      if (data.status === "done" || data.status === "failed") {
        window.location.reload();
        return;
      }
    } catch (error) {
      // a dropped request: try again at the next tick
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1000);
})();
