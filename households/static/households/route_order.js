// Route order: with JavaScript, ↑/↓ and dragging move rows in place; "Simpan urutan" sends the whole
// order in one request. Without JavaScript each ↑/↓ button is a submit that saves at once.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("route-list");
  if (!list) return;
  const unsaved = document.getElementById("route-unsaved");

  const refresh = () => {
    const items = Array.from(list.querySelectorAll(".route-item"));
    items.forEach((item, index) => {
      item.querySelector(".route-up").disabled = index === 0;
      item.querySelector(".route-down").disabled = index === items.length - 1;
    });
    if (unsaved) unsaved.classList.remove("d-none");
  };

  list.addEventListener("click", (event) => {
    const button = event.target.closest(".route-up, .route-down");
    if (!button) return;
    event.preventDefault();
    const item = button.closest(".route-item");
    if (button.classList.contains("route-up") && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.classList.contains("route-down") && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    refresh();
    button.focus();
  });

  list.dataset.enhanced = "1";
  if (window.Sortable) {
    window.Sortable.create(list, { handle: ".route-handle", animation: 150, onEnd: refresh });
  } else {
    list.querySelectorAll(".route-handle").forEach((handle) => handle.classList.add("d-none"));
  }
});
