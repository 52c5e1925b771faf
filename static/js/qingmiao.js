// Behaviour that templates ask for with classes, so pages need no inline script (CSP-ready).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.classList && el.classList.contains("qm-autosubmit") && el.form) el.form.submit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-qm-confirm]");
  if (el && !window.confirm(el.dataset.qmConfirm)) event.preventDefault();
});
