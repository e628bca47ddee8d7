// Small Caps on Trial: tap a figure to open it at full size (pinch-zoom on a phone).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".bd-content figure img").forEach((img) => {
    if (img.closest("a")) return;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "sc-figure-link";
    link.setAttribute("aria-label", "Open the figure at full size: " + (img.getAttribute("alt") || "figure"));
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
  });
});
