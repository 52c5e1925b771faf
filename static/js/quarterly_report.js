// Quarterly report page: polls the status endpoint every 1.5 s while the report is queued
// or running, and updates the progress bar, the failure reason and the download links.
(() => {
  const box = document.getElementById("qm-quarterly");
  if (!box || box.dataset.running !== "1") return;
  const bar = box.querySelector("[data-qm-bar]");
  const text = box.querySelector("[data-qm-progress-text]");
  const label = box.querySelector("[data-qm-status]");
  const show = (s) => {
    bar.style.width = `${s.progress}%`;
    bar.textContent = `${s.progress}%`;
    text.textContent = `${s.progress}%`;
    label.textContent = s.status_label;
    if (s.status === "failed") {
      box.querySelector("[data-qm-error-text]").textContent = s.error;
      box.querySelector("[data-qm-error]").classList.remove("d-none");
    }
    if (s.status === "done") {
      box.querySelector("[data-qm-pdf]").href = s.pdf;
      box.querySelector("[data-qm-xlsx]").href = s.xlsx;
      box.querySelector("[data-qm-downloads]").classList.remove("d-none");
    }
    return s.status === "done" || s.status === "failed";
  };
  const poll = () => {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((s) => {
        if (show(s)) window.location.reload();
        else setTimeout(poll, 1500);
      })
      .catch(() => setTimeout(poll, 5000));
  };
  setTimeout(poll, 1000);
})();
