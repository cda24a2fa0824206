#!/usr/bin/python3
"""Benchmark QuTiP 4.7 on the qsync "cavity_qubits" model (RWA frame), for
comparison with qsync (analysis/bench_cavity.sh).

Model (drive frame, units of the coupling lambda = 1): a cavity (left tensor
factor, ncav photon numbers) and N qubits (basis index 0 = up, QuTiP's own
convention: sigmaz = diag(1, -1), sigmap = |0><1|).

  H = -domega a^dag a + sum_l (Delta_l - domega)/2 sz_l
      + sum_l (a s+_l + a^dag s-_l) + F (a + a^dag)
  c_ops: sqrt(gamma) a, sqrt(gamma_s) s-_l      (zero rates dropped)
  psi0 = |0> (x) |down>^N
  observables (as qsync): a, n, P_top, Sx_l, Sy_l, Sz_l (S = sigma/2).

Reads a qsync run file (INI): [model] (frame = rwa, displace = off only) and
[run] (see DEFAULTS).

Usage: bench_qutip_cavity.py RUNFILE [--ntraj N]
                             [--what mcsolve|steady|both|mesolve]
                             [--times T1,T2,...]

Everything is single-threaded as in bench_qutip.py: BLAS/OpenMP threads are
pinned to 1 before numpy is imported, QUTIP_NUM_PROCESSES=1, and mcsolve gets
map_func=qutip.parallel.serial_map (plus Options(num_cpus=1)).  The mcsolve
timing excludes imports, model construction and a warm-up mcsolve (ntraj=2).
mcsolve runs with average_expect=False so that the per-trajectory values give
standard errors; this costs nothing measurable (the expectation values are
computed along each trajectory either way).

Machine-readable output lines:
  qutip_mcsolve_seconds <float>
  qutip_mcsolve_traj_per_second <float>
  qutip_mcsolve_cpu_seconds <float>, qutip_mcsolve_traj_per_cpu_second <float>
                                      (process CPU time: less sensitive to load)
  qutip_traj <name> <t> <re> <im> <re_se> <im_se>   (mcsolve mean, stderr)
  qutip_steadystate_seconds <float>
  qutip_steady <name> <re> <im>                      (steady state)
  qutip_me <name> <t> <re> <im>      (--what mesolve: exact mean, reference
                                      for both trajectory ensembles)
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

MAXQ = 8
DEFAULTS = {
    "model": dict(name="cavity_qubits", nqubits=1, ncav=40, frame="rwa",
                  displace="off", domega=0.0, F=1.0, gamma=0.3, gamma_s=0.0,
                  **{f"delta_{l}": 2.0 for l in range(1, MAXQ + 1)}),
    "run": dict(ntraj=1000, t_end=20.0, n_times=101, rtol=1e-6, atol=1e-8,
                seed=1),
}


def read_runfile(path):
    """Return (model, run) dicts with defaults filled in."""
    cp = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    cp.optionxform = str.lower
    if not cp.read(path):
        raise SystemExit(f"cannot read run file {path}")
    out = []
    for sec, defaults in DEFAULTS.items():
        vals = dict(defaults)
        if cp.has_section(sec):
            for key, default in defaults.items():
                if cp.has_option(sec, key.lower()):
                    raw = cp.get(sec, key.lower()).strip()
                    vals[key] = type(default)(float(raw)) \
                        if isinstance(default, (int, float)) else raw
        out.append(vals)
    model, run = out
    if model["name"] != "cavity_qubits":
        raise SystemExit(f"model name {model['name']!r} is not cavity_qubits")
    if model["frame"] != "rwa" or model["displace"] != "off":
        raise SystemExit("only frame = rwa, displace = off are implemented")
    return model, run


def build_model(p):
    """Return (H, c_ops, psi0, e_ops, names) for cavity_qubits (RWA)."""
    nq, nc = int(p["nqubits"]), int(p["ncav"])
    dims = [nc] + [2] * nq

    def emb(op, k):                      # op on subsystem k (0 = cavity)
        ops = [qutip.qeye(d) for d in dims]
        ops[k] = op
        return qutip.tensor(ops)

    a = emb(qutip.destroy(nc), 0)
    n = a.dag() * a
    top = emb(qutip.fock_dm(nc, nc - 1), 0)
    H = -p["domega"] * n + p["F"] * (a + a.dag())
    c_ops = [np.sqrt(p["gamma"]) * a] if p["gamma"] > 0 else []
    e_ops, names = [a, n, top], ["a", "n", "P_top"]
    for l in range(1, nq + 1):
        sp, sm, sz = (emb(o, l) for o in
                      (qutip.sigmap(), qutip.sigmam(), qutip.sigmaz()))
        H += 0.5 * (p[f"delta_{l}"] - p["domega"]) * sz \
            + a * sp + a.dag() * sm
        if p["gamma_s"] > 0:
            c_ops.append(np.sqrt(p["gamma_s"]) * sm)
        for c, o in zip("xyz", (qutip.sigmax(), qutip.sigmay(), sz)):
            e_ops.append(0.5 * (emb(o, l) if c != "z" else o))
            names.append(f"S{c}_{l}")
    psi0 = qutip.tensor([qutip.basis(nc, 0)] + [qutip.basis(2, 1)] * nq)
    return H, c_ops, psi0, e_ops, names


def bench_mcsolve(H, c_ops, psi0, e_ops, names, run, ntraj, times):
    tlist = np.linspace(0.0, run["t_end"], int(run["n_times"]))

    def solve(nt, seed):
        opts = qutip.Options(atol=run["atol"], rtol=run["rtol"],
                             nsteps=10**7, num_cpus=1, seeds=seed,
                             average_expect=False)
        return qutip.mcsolve(H, psi0, tlist, c_ops, e_ops, ntraj=nt,
                             options=opts, progress_bar=None,
                             map_func=serial_map)

    solve(2, int(run["seed"]) + 12345)                  # warm-up, not timed
    t0, c0 = time.perf_counter(), time.process_time()
    res = solve(ntraj, int(run["seed"]))
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print("# mcsolve timing excludes: imports, model construction, warm-up "
          "mcsolve(ntraj=2) (QobjEvo/RHS compilation)")
    print(f"# mcsolve: ntraj={ntraj} n_times={len(tlist)} t_end={run['t_end']}"
          f" rtol={run['rtol']} atol={run['atol']} serial")
    print(f"qutip_mcsolve_seconds {dt:.6g}")
    print(f"qutip_mcsolve_traj_per_second {ntraj / dt:.6g}")
    print(f"qutip_mcsolve_cpu_seconds {dc:.6g}")
    print(f"qutip_mcsolve_traj_per_cpu_second {ntraj / dc:.6g}")
    # per-trajectory values: ex[traj][op][time]
    ex = np.array([[np.asarray(e, dtype=complex) for e in tr]
                   for tr in res.expect])
    for t in times:
        k = int(np.argmin(np.abs(tlist - t)))
        for j, name in enumerate(names):
            v = ex[:, j, k]
            m = v.mean()
            se_re = v.real.std(ddof=1) / np.sqrt(len(v))
            se_im = v.imag.std(ddof=1) / np.sqrt(len(v))
            print(f"qutip_traj {name} {tlist[k]:.10g} {m.real:.10g} "
                  f"{m.imag:.10g} {se_re:.6g} {se_im:.6g}")


def reference_mesolve(H, c_ops, psi0, e_ops, names, run, times):
    """Exact ensemble mean (Lindblad master equation, tight tolerances)."""
    tlist = np.linspace(0.0, run["t_end"], int(run["n_times"]))
    t0 = time.perf_counter()
    res = qutip.mesolve(H, psi0, tlist, c_ops, e_ops,
                        options=qutip.Options(atol=1e-10, rtol=1e-9,
                                              nsteps=10**7))
    print(f"# mesolve reference (rtol 1e-9, atol 1e-10) in "
          f"{time.perf_counter() - t0:.3g} s")
    for t in times:
        k = int(np.argmin(np.abs(tlist - t)))
        for j, name in enumerate(names):
            v = complex(res.expect[j][k])
            print(f"qutip_me {name} {tlist[k]:.10g} {v.real:.10g} {v.imag:.10g}")


def bench_steady(H, c_ops, e_ops, names, reps, method="direct"):
    # default method in 4.7.1 is 'direct' (sparse LU); 'iterative-gmres'
    # is GMRES preconditioned by an incomplete LU of the Liouvillian
    # (use_precond=True; QuTiP's default is no preconditioner)
    kw = dict(method=method)
    if method != "direct":
        kw.update(tol=1e-12, maxiter=100000, return_info=True, use_precond=True)

    info = {}

    def solve():
        out = qutip.steadystate(H, c_ops, **kw)
        if method == "direct":
            return out
        info.update(out[1])
        return out[0]

    t0 = time.perf_counter()
    rho = solve()                                        # first run, timed
    first = time.perf_counter() - t0
    best = first
    for _ in range(reps - 1):
        t0 = time.perf_counter()
        rho = solve()
        best = min(best, time.perf_counter() - t0)
    if method != "direct":
        print(f"# steadystate: {info.get('iterations')} GMRES iterations, "
              f"ILU fill {info.get('ilu_fill_factor')}, "
              f"residual norm {info.get('residual_norm')}")
    L = qutip.liouvillian(H, c_ops)
    v = rho.full().reshape(-1, order="F")   # column stacking, as QuTiP's L
    res = np.linalg.norm(L.data @ v) / np.linalg.norm(v)   # (Qobj * tidies up)
    print(f"# steadystate: method {method!r}, "
          f"best of {reps} runs (first run {first:.4g} s)")
    print(f"# steadystate residual ||L rho||_2/||rho||_2 = {res:.3g}")
    print(f"qutip_steadystate_seconds {best:.6g}")
    for name, op in zip(names, e_ops):
        v = complex((op * rho).tr())
        print(f"qutip_steady {name} {v.real:.12g} {v.imag:.12g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runfile")
    ap.add_argument("--ntraj", type=int, default=None)
    ap.add_argument("--what", choices=("mcsolve", "steady", "both", "mesolve"),
                    default="both")
    ap.add_argument("--reps", type=int, default=3,
                    help="steadystate repetitions (best of)")
    ap.add_argument("--steady-method", default="direct",
                    choices=("direct", "iterative-gmres"),
                    help="qutip.steadystate method (iterative: tol 1e-12)")
    ap.add_argument("--times", default="5,10,20",
                    help="output times at which trajectory means are printed")
    a = ap.parse_args()
    model, run = read_runfile(a.runfile)
    ntraj = a.ntraj if a.ntraj is not None else int(run["ntraj"])
    H, c_ops, psi0, e_ops, names = build_model(model)
    print(f"# qutip {qutip.__version__}, numpy {np.__version__}, "
          f"dim {H.shape[0]}, {len(c_ops)} c_ops, model {model}")
    if a.what in ("mcsolve", "both"):
        bench_mcsolve(H, c_ops, psi0, e_ops, names, run, ntraj,
                      [float(x) for x in a.times.split(",")])
    if a.what == "mesolve":
        reference_mesolve(H, c_ops, psi0, e_ops, names, run,
                          [float(x) for x in a.times.split(",")])
    if a.what in ("steady", "both"):
        bench_steady(H, c_ops, e_ops, names, a.reps, a.steady_method)


if __name__ == "__main__":
    main()
