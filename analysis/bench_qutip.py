#!/usr/bin/python3
"""Benchmark QuTiP 4.7 on the qsync "qubit_osc" model, for comparison with qsync.

Model (drive frame, hbar = 1): two spins A (left tensor factor) and B of size S,
basis per spin ordered m = +S, ..., -S (index 0 = up).

  H = delta_d SzA + (delta_d + delta_q) SzB + (g/2)(S+A S-B + S-A S+B)
      + (eps/2)(S+A + S-A)
  c_ops: sqrt(w_A) S+A, sqrt(gamma_A) S-A, sqrt(w_B) S+B, sqrt(gamma_B) S-B,
         sqrt(2 gamma_phi) SzA, sqrt(2 gamma_phi) SzB   (zero-rate channels dropped)
  psi0 = |m=-S>_A |m=-S>_B;  observables: S+A, S+B, SzA, SzB.

Reads a qsync run file (INI): [model] and [run] sections (see DEFAULTS below).

Usage: bench_qutip.py RUNFILE [--ntraj N] [--what mcsolve|steady|both]

Everything runs single-threaded: BLAS/OpenMP threads are pinned to 1 before
numpy is imported, QUTIP_NUM_PROCESSES=1, and mcsolve gets
map_func=qutip.parallel.serial_map (plus Options(num_cpus=1)).
The mcsolve timing excludes imports and a warm-up mcsolve (ntraj=2) that
builds/compiles the QobjEvo right-hand side.

Machine-readable output lines:
  qutip_mcsolve_seconds <float>
  qutip_mcsolve_traj_per_second <float>
  qutip_steadystate_seconds <float>
  qutip_final <name> <re> <im>      (mcsolve mean at t_end)
  qutip_steady <name> <re> <im>     (steady state)
Lines starting with '#' are informational.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["QUTIP_NUM_PROCESSES"] = "1"

import argparse      # noqa: E402
import configparser  # noqa: E402
import time          # noqa: E402

import numpy as np   # noqa: E402
import qutip         # noqa: E402
from qutip.parallel import serial_map  # noqa: E402

DEFAULTS = {
    "model": dict(name="qubit_osc", spin=0.5, w_a=0.4, gamma_a=0.6, w_b=0.75,
                  gamma_b=0.25, g=1.0, delta_d=0.0, delta_q=0.0, eps=0.1,
                  gamma_phi=0.0),
    "run": dict(ntraj=1000, t_end=50.0, n_times=201, rtol=1e-6, atol=1e-8,
                seed=1),
}
OBS_NAMES = ("S+A", "S+B", "SzA", "SzB")


def read_runfile(path):
    """Return (model, run) dicts with defaults filled in; keys lower-case."""
    cp = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    if not cp.read(path):
        raise SystemExit(f"cannot read run file {path}")
    out = []
    for sec, defaults in DEFAULTS.items():
        vals = dict(defaults)
        if cp.has_section(sec):
            for key, default in defaults.items():
                if cp.has_option(sec, key):
                    raw = cp.get(sec, key).strip()
                    vals[key] = type(default)(float(raw)) \
                        if isinstance(default, (int, float)) else raw
        out.append(vals)
    model, run = out
    if model["name"] != "qubit_osc":
        raise SystemExit(f"model name {model['name']!r} is not qubit_osc")
    if model["spin"] not in (0.5, 1.0):
        raise SystemExit("spin must be 0.5 or 1")
    return model, run


def build_model(p):
    """Return (H, c_ops, psi0, e_ops) for the qubit_osc model."""
    S = p["spin"]
    d = int(round(2 * S + 1))
    eye = qutip.qeye(d)
    sz, sp, sm = qutip.jmat(S, "z"), qutip.jmat(S, "+"), qutip.jmat(S, "-")
    szA, spA, smA = (qutip.tensor(o, eye) for o in (sz, sp, sm))
    szB, spB, smB = (qutip.tensor(eye, o) for o in (sz, sp, sm))
    H = (p["delta_d"] * szA + (p["delta_d"] + p["delta_q"]) * szB
         + 0.5 * p["g"] * (spA * smB + smA * spB)
         + 0.5 * p["eps"] * (spA + smA))
    rated = [(p["w_a"], spA), (p["gamma_a"], smA),
             (p["w_b"], spB), (p["gamma_b"], smB),
             (2 * p["gamma_phi"], szA), (2 * p["gamma_phi"], szB)]
    c_ops = [np.sqrt(r) * op for r, op in rated if r > 0]
    down = qutip.basis(d, d - 1)          # index d-1 is m = -S
    psi0 = qutip.tensor(down, down)
    return H, c_ops, psi0, [spA, spB, szA, szB]


def bench_mcsolve(H, c_ops, psi0, e_ops, run, ntraj):
    tlist = np.linspace(0.0, run["t_end"], run["n_times"])

    def solve(n, seed):
        opts = qutip.Options(atol=run["atol"], rtol=run["rtol"],
                             nsteps=10**7, num_cpus=1, seeds=seed)
        return qutip.mcsolve(H, psi0, tlist, c_ops, e_ops, ntraj=n,
                             options=opts, progress_bar=None,
                             map_func=serial_map)

    solve(2, run["seed"] + 12345)                        # warm-up, not timed
    t0 = time.perf_counter()
    res = solve(ntraj, run["seed"])
    dt = time.perf_counter() - t0
    print("# mcsolve timing excludes: imports, model construction, warm-up "
          "mcsolve(ntraj=2) (QobjEvo/RHS compilation)")
    print(f"# mcsolve: ntraj={ntraj} n_times={len(tlist)} t_end={run['t_end']}"
          f" rtol={run['rtol']} atol={run['atol']} serial")
    print(f"qutip_mcsolve_seconds {dt:.6g}")
    print(f"qutip_mcsolve_traj_per_second {ntraj / dt:.6g}")
    for name, ev in zip(OBS_NAMES, res.expect):
        v = complex(ev[-1])
        print(f"qutip_final {name} {v.real:.10g} {v.imag:.10g}")


def bench_steady(H, c_ops, e_ops, reps=5):
    # default method in 4.7.1 is 'direct', so one timing covers both
    qutip.steadystate(H, c_ops)                          # warm-up, not timed
    t0 = time.perf_counter()
    for _ in range(reps):
        rho = qutip.steadystate(H, c_ops)
    dt = (time.perf_counter() - t0) / reps
    print(f"# steadystate: default method (= 'direct', sparse LU), "
          f"mean of {reps} runs after 1 warm-up")
    print(f"qutip_steadystate_seconds {dt:.6g}")
    for name, op in zip(OBS_NAMES, e_ops):
        v = complex((op * rho).tr())
        print(f"qutip_steady {name} {v.real:.10g} {v.imag:.10g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runfile")
    ap.add_argument("--ntraj", type=int, default=None)
    ap.add_argument("--what", choices=("mcsolve", "steady", "both"),
                    default="both")
    a = ap.parse_args()
    model, run = read_runfile(a.runfile)
    ntraj = a.ntraj if a.ntraj is not None else run["ntraj"]
    H, c_ops, psi0, e_ops = build_model(model)
    print(f"# qutip {qutip.__version__}, numpy {np.__version__}, "
          f"dim {H.shape[0]}, {len(c_ops)} c_ops, model {model}")
    if a.what in ("mcsolve", "both"):
        bench_mcsolve(H, c_ops, psi0, e_ops, run, ntraj)
    if a.what in ("steady", "both"):
        bench_steady(H, c_ops, e_ops)


if __name__ == "__main__":
    main()
