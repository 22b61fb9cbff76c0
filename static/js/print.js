// A button marked data-print prints the page: the Content Security Policy allows no inline
// event handlers.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
