"""Shared by the rate-series figures (3, 4, 10, 12): reading a series run
of qsync steady (method rate_series / rate_series_star: columns residual,
series_order, series_converged) and drawing it against the exact curve."""
import numpy as np


def series_summary(name, x, exact_x, exact_y, d, col):
    """Print where the series converged and its largest deviation there."""
    conv = d["series_converged"] == 1
    y = np.interp(d[x], exact_x, exact_y)
    dev = np.abs(d[col] - y)
    bad = d[x][~conv]
    where = f"[{bad.min():g}, {bad.max():g}]" if bad.size else "nowhere"
    print(f"{name}: converged at {conv.sum()}/{conv.size} points; not converged in {where}; "
          f"max |dev| where converged {np.max(dev[conv]) if conv.any() else np.nan:.2e}, "
          f"where not {np.max(dev[~conv]) if (~conv).any() else np.nan:.2e}")


def draw_series(ax, d, x, col, color, label, ls="--"):
    """Series curve: solid markers-free line where converged, faint crosses
    where the summation stopped above tol (best partial sum)."""
    conv = d["series_converged"] == 1
    y = np.where(conv, d[col], np.nan)
    ax.plot(d[x], y, ls, color=color, label=label)
    ax.plot(d[x][~conv], d[col][~conv], "x", color=color, ms=3, alpha=0.6,
            label=label + " not converged")
