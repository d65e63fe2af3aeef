"""Chart images for the report section (matplotlib, Agg backend: no display needed on a server).

Only what the summary shows is drawn: a hidden count is not drawn as a bar but written as its
symbol (``<5``, ``..``) beside the axis, so a picture never reveals more than the tables do.
"""

from __future__ import annotations

import io

import matplotlib

# The backend must be chosen before pyplot is imported.
matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ..core.steering_summary import SteeringSummary, chart_series

BLUE, ORANGE, GREY = "#1F4E79", "#C55A11", "#7F7F7F"


def target_chart_png(summary: SteeringSummary, dpi: int = 150) -> bytes:
    """Horizontal bars: mål and platser per förvaltning."""
    names, mal, platser = chart_series(summary)
    shown = {str(r[0]): r[2] for r in summary.table("forvaltningar").rows[:-1]}
    height = 0.25 * len(names) + 1.0
    fig, ax = plt.subplots(figsize=(7.0, height), dpi=dpi)
    y = range(len(names))
    ax.barh([i - 0.2 for i in y], [m or 0 for m in mal], height=0.4, color="#9DC3E6",
            label="Mål antal platser")
    ax.barh([i + 0.2 for i in y], [p or 0 for p in platser], height=0.4, color=BLUE,
            label="Platser under perioden")
    for i, (p, name) in enumerate(zip(platser, names, strict=True)):
        if p is None:
            ax.text(0.3, i + 0.2, str(shown[name]), va="center", fontsize=8, color=GREY)
    ax.set_yticks(list(y), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Antal", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.4, -0.12), ncol=2)
    ax.set_title(f"Mål och platser per förvaltning {summary.period_from:%Y-%m-%d} – "
                 f"{summary.period_to:%Y-%m-%d}", fontsize=10, loc="left")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
