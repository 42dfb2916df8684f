// Small behaviours shared by every page. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("htmx:beforeSwap", (event) => {
  // Conflicts (409) and validation errors (400/422) come back as HTML fragments to show
  // in place, so the user keeps what they typed and sees why it was refused.
  const status = event.detail.xhr.status;
  if (status === 409 || status === 400 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
