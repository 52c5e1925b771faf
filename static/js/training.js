// Attendance page: "全部出席" checks the given status on every row that has no mark yet,
// so staff then only change the exceptions. Bound by data attributes (no inline script).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-qm-mark-all]");
  if (!button || !button.form) return;
  const status = button.dataset.qmMarkAll;
  button.form.querySelectorAll("[data-qm-row]").forEach((row) => {
    if (row.querySelector("input[type=radio]:checked")) return;
    const radio = row.querySelector(`input[type=radio][value="${status}"]`);
    if (radio) radio.checked = true;
  });
});
