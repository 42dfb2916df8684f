// Draws the seizure analysis charts from the JSON the page carries (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("seizure-chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const bar = (id, labels, values, label) => {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels, datasets: [{ label, data: values, backgroundColor: "#1f5f8b" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  };
  bar("chart-months", data.months, data.monthCases, "Cases");
  bar("chart-modes", data.modes, data.modeCases, "Cases");
});
