"""Shared by the rate-series figures (3, 4, 10, 12): reading a series run
of qsync steady (method rate_series / rate_series_star: columns residual,
series_order, series_converged) and drawing it against the exact curve."""
import numpy as np


def series_summary(name, x, exact_x, exact_y, d, col):
    """Print where the series converged and its largest deviation there."""
    # deviations only at the sweep values both runs share (no interpolation)
    idx = np.array([np.argmin(np.abs(exact_x - v)) for v in d[x]])
    same = np.abs(exact_x[idx] - d[x]) < 1e-9
    conv_all = d["series_converged"] == 1
    dev = np.where(same, np.abs(d[col] - exact_y[idx]), np.nan)
    conv = conv_all & same
    bad = d[x][~conv_all]
    where = f"[{bad.min():g}, {bad.max():g}]" if bad.size else "nowhere"
    notc = ~conv_all & same
    print(f"{name}: converged at {conv_all.sum()}/{conv_all.size} points; not converged in "
          f"{where}; max |dev| at {same.sum()} shared points: where converged "
          f"{np.nanmax(dev[conv]) if conv.any() else np.nan:.2e}, where not "
          f"{np.nanmax(dev[notc]) if notc.any() else np.nan:.2e}")


def draw_series(ax, d, x, col, color, label, ls="--"):
    """Series curve: solid markers-free line where converged, faint crosses
    where the summation stopped above tol (best partial sum)."""
    conv = d["series_converged"] == 1
    y = np.where(conv, d[col], np.nan)
    ax.plot(d[x], y, ls, color=color, label=label)
    ax.plot(d[x][~conv], d[col][~conv], "x", color=color, ms=3, alpha=0.6,
            label=label + " not converged")
