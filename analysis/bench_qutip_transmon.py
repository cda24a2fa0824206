#!/usr/bin/python3
"""Benchmark QuTiP 4.7 on the qsync "transmon" model (two transmons with
auxiliary resonators, the two-qubit-oscillator paper Appendix E), for
comparison with qsync (analysis/bench_transmon.sh).  Built from the binding
spec of the model (issue 5, /work/spec_transmon.md), not from qsync's code.

Space (subsystem order of the spec, slowest first):
  transmon A (levels_q), resonator A (levels_r), transmon B, resonator B;
  basis index = ((nbA * lr + naA) * lq + nbB) * lr + naB  (= QuTiP's tensor
  order), |g> = 0, |e> = 1, |f> = 2.
Units: time in us, frequencies entered cyclic (MHz / kHz keys), used as
angular rad/us: omega = 2 pi f[MHz] = 2 pi f[kHz] / 1000.

Hamiltonian in the pump frame (E1 with the spec's sign of alpha):
  H0 = sum_j (w_qj - w_pj) nb_j - (alpha_j/2) nb_j (nb_j - 1)
       + (w_aj - w_pj) na_j + g_j (a_j b_j^dag + a_j^dag b_j)
       + Omega_pj (b_j + b_j^dag),        w_qj = 2 pi (f_qj - Delta_j/1000)
  + g e^{+i dp t} bA^dag bB + g e^{-i dp t} bB^dag bA,      dp = w_pA - w_pB
  + eps e^{+i dd t} bA + eps e^{-i dd t} bA^dag,            dd = w_d - w_pA
  w_d = 2 pi (f_qA + detuning_d/1000).
QuTiP list format [H0, [H1, coeff1], ...]; the coefficients are strings
(compiled by Cython, QuTiP's fast path; default) or, with --coeff array,
numpy arrays sampled on a fine grid (QobjEvo with its own tlist, cubic
spline; mesolve only: QuTiP 4.7.1's mcsolve fails on a QobjEvo H).
Zero couplings are dropped (g = 0: no g terms).
Collapse: sqrt(kappa_j) a_j, sqrt(gamma0_j) b_j, sqrt(gamma_phi_j) nb_j
(zero rates dropped).  psi0: all ground / vacuum.

Reporting frame (drive frame): rho_d = V rho_p V^dag, V = exp(i t F),
F = (w_d - w_pA)(nbA + naA) + (w_d - w_pB)(nbB + naB).  Populations and
photon numbers are unchanged; for S+ = |e><g|,
  <S+_A>_d = Tr(V^dag S+_A V rho_p) = exp(-i (w_d - w_pA) t) <S+_A>_p
(V^dag |e><g| V = e^{-i phi_e} e^{+i phi_g} |e><g|, phi_e - phi_g =
(w_d - w_pA) t), and likewise S+_B with (w_d - w_pB).  `--what framecheck`
verifies this numerically: it integrates the same model directly in the
drive frame (H_d = V H_p V^dag - F: static drive eps (bA + bA^dag), static
g coupling, time-dependent pumps) and compares it with the rotated
pump-frame result.

Observables (drive frame, qsync's names): Sp_A, Sp_B, Pg_A, Pe_A, Pf_A,
Pg_B, Pe_B, Pf_B (Pf only for levels_q >= 3), na_A, na_B, P_top
(either resonator in its top level).

Reads a qsync run file (INI): [model] (name = transmon, keys of the spec,
`column` = none/fig10a/fig10b/fig11b presets of Table II; keys set in the
file win), [run] (ntraj, seed, t_end, n_times, rtol, atol: mcsolve) and
[mesolve] (t_end, n_times, rtol, atol: mesolve).  Defaults as in qsync.

Usage: bench_qutip_transmon.py RUNFILE [--what mesolve|mcsolve|framecheck]
           [--ntraj N] [--coeff string|array] [--times T1,T2,...|all]

Single-threaded: BLAS/OpenMP threads pinned to 1 before numpy is imported,
QUTIP_NUM_PROCESSES=1, mcsolve with map_func=serial_map and num_cpus=1.
Timings exclude imports, model construction and a warm-up solve over a short
interval (Cython compilation of the string coefficients).  mcsolve runs with
average_expect=False so that per-trajectory values give standard errors.

Machine-readable output lines:
  qutip_mesolve_seconds <float>, qutip_mesolve_cpu_seconds <float>
  qutip_me <name> <t> <re> <im>                       (mesolve, drive frame)
  qutip_mcsolve_seconds <float>, qutip_mcsolve_traj_per_second <float>
  qutip_mcsolve_cpu_seconds <float>, qutip_mcsolve_traj_per_cpu_second <float>
  qutip_traj <name> <t> <re> <im> <re_se> <im_se>     (mcsolve mean, stderr)
  qutip_framecheck_max_abs_diff <float>
Lines starting with '#' are informational.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["QUTIP_NUM_PROCESSES"] = "1"

import argparse      # noqa: E402
import configparser  # noqa: E402
import tempfile      # noqa: E402
import time          # noqa: E402
import warnings      # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)  # pythran vs numpy 1.24

import numpy as np   # noqa: E402
import qutip         # noqa: E402
from qutip.parallel import serial_map  # noqa: E402

TWO_PI = 2.0 * np.pi

# [model] keys of the spec (name -> default); units in the comments
MODEL_DEFAULTS = dict(
    name="transmon", column="none",
    levels_q=3, levels_r=3,                       # levels
    f_qA=5000.0, f_qB=5000.0,                     # MHz (shifted g-e frequency)
    Delta_A=0.0, Delta_B=0.0,                     # kHz
    f_aA=4600.0, f_aB=4600.0,                     # MHz
    alpha_A=400.0, alpha_B=500.0,                 # MHz
    f_pA=4800.0, f_pB=4750.0,                     # MHz
    Omega_pA=0.0, Omega_pB=0.0,                   # MHz
    g_A=8.0, g_B=4.0,                             # MHz
    kappa_A=60.0, kappa_B=60.0,                   # MHz
    gamma0_A=53.0, gamma0_B=53.0,                 # kHz
    gamma_phi_A=0.0, gamma_phi_B=0.0,             # kHz
    g=0.0, eps=20.0, detuning_d=0.0,              # kHz
)
KHZ_KEYS = {"Delta_A", "Delta_B", "gamma0_A", "gamma0_B", "gamma_phi_A",
            "gamma_phi_B", "g", "eps", "detuning_d"}
# Table II: eps kHz, Omega_pA MHz, Omega_pB MHz, Delta_A kHz, Delta_B kHz
COLUMNS = {
    "none": {},
    "fig10a": dict(eps=20.0, Omega_pA=0.0, Omega_pB=8.0, Delta_A=160.0,
                   Delta_B=1013.72),
    "fig10b": dict(eps=20.0, Omega_pA=5.5, Omega_pB=9.0, Delta_A=763.3,
                   Delta_B=1230.0),
    "fig11b": dict(eps=40.0, Omega_pA=7.0, Omega_pB=4.1, Delta_A=1135.0,
                   Delta_B=300.0),
}
# qsync's defaults (src/runfile.c)
RUN_DEFAULTS = dict(ntraj=1000, seed=1, t_end=50.0, n_times=201, rtol=1e-6,
                    atol=1e-8)
MESOLVE_DEFAULTS = dict(t_end=100.0, n_times=201, rtol=1e-8, atol=1e-10)


def read_runfile(path):
    """Return (model, run, me) dicts with defaults and the column preset."""
    cp = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    cp.optionxform = str.lower
    if not cp.read(path):
        raise SystemExit(f"cannot read run file {path}")

    def section(sec, defaults):
        vals, given = dict(defaults), set()
        if cp.has_section(sec):
            lower = {k.lower(): k for k in defaults}
            for key in cp.options(sec):
                if key not in lower:
                    continue            # keys QuTiP does not need (threads ...)
                k = lower[key]
                raw = cp.get(sec, key).strip()
                d = defaults[k]
                vals[k] = raw if isinstance(d, str) else type(d)(float(raw))
                given.add(k)
        return vals, given

    model, given = section("model", MODEL_DEFAULTS)
    if model["name"] != "transmon":
        raise SystemExit(f"model name {model['name']!r} is not transmon")
    col = model["column"].lower()
    if col not in COLUMNS:
        raise SystemExit(f"column = {col!r}: expected one of {list(COLUMNS)}")
    for k, v in COLUMNS[col].items():       # keys set in the file win
        if k not in given:
            model[k] = v
    run, _ = section("run", RUN_DEFAULTS)
    me, _ = section("mesolve", MESOLVE_DEFAULTS)
    return model, run, me


class Transmon:
    """Operators, Hamiltonian pieces and observables of the spec."""

    def __init__(self, p):
        self.p = p
        lq, lr = int(p["levels_q"]), int(p["levels_r"])
        self.lq, self.lr = lq, lr
        dims = [lq, lr, lq, lr]

        def emb(op, k):
            ops = [qutip.qeye(d) for d in dims]
            ops[k] = op
            return qutip.tensor(ops)

        self.b = {"A": emb(qutip.destroy(lq), 0), "B": emb(qutip.destroy(lq), 2)}
        self.a = {"A": emb(qutip.destroy(lr), 1), "B": emb(qutip.destroy(lr), 3)}
        mhz = lambda k: TWO_PI * p[k]                    # noqa: E731
        khz = lambda k: TWO_PI * p[k] / 1000.0           # noqa: E731
        w_p = {j: mhz(f"f_p{j}") for j in "AB"}
        self.w_d = TWO_PI * (p["f_qA"] + p["detuning_d"] / 1000.0)
        self.dp = w_p["A"] - w_p["B"]
        self.dd = self.w_d - w_p["A"]
        self.delta = {j: self.w_d - w_p[j] for j in "AB"}   # frame rates
        self.g, self.eps = khz("g"), khz("eps")
        H0 = 0
        c_ops = []
        for j in "AB":
            b, a = self.b[j], self.a[j]
            nb, na = b.dag() * b, a.dag() * a
            w_q = TWO_PI * (p[f"f_q{j}"] - p[f"Delta_{j}"] / 1000.0)
            H0 = H0 + (w_q - w_p[j]) * nb \
                - 0.5 * mhz(f"alpha_{j}") * nb * (nb - 1) \
                + (mhz(f"f_a{j}") - w_p[j]) * na \
                + mhz(f"g_{j}") * (a * b.dag() + a.dag() * b) \
                + mhz(f"Omega_p{j}") * (b + b.dag())
            for rate, op in ((mhz(f"kappa_{j}"), a), (khz(f"gamma0_{j}"), b),
                             (khz(f"gamma_phi_{j}"), nb)):
                if rate > 0:
                    c_ops.append(np.sqrt(rate) * op)
        self.H0, self.c_ops = H0, c_ops
        bA, bB = self.b["A"], self.b["B"]
        # time-dependent pairs f_k(t) H_k (operator, coefficient, frequency)
        self.td = []
        if self.g != 0:
            self.td += [(self.g * bA.dag() * bB, +self.dp),
                        (self.g * bB.dag() * bA, -self.dp)]
        if self.eps != 0:
            self.td += [(self.eps * bA, +self.dd), (self.eps * bA.dag(), -self.dd)]
        self.psi0 = qutip.tensor([qutip.basis(d, 0) for d in dims])
        # observables (pump-frame operators; Sp_* are rotated afterwards)
        names, ops, rot = [], [], []
        for j, k in (("A", 0), ("B", 2)):
            names.append(f"Sp_{j}")
            ops.append(emb(qutip.basis(lq, 1) * qutip.basis(lq, 0).dag(), k))
            rot.append(self.delta[j])
        for j, k in (("A", 0), ("B", 2)):
            for lev, c in enumerate("gef"[:min(lq, 3)]):
                names.append(f"P{c}_{j}")
                ops.append(emb(qutip.fock_dm(lq, lev), k))
                rot.append(0.0)
        for j in "AB":
            names.append(f"na_{j}")
            ops.append(self.a[j].dag() * self.a[j])
            rot.append(0.0)
        topA, topB = emb(qutip.fock_dm(lr, lr - 1), 1), emb(qutip.fock_dm(lr, lr - 1), 3)
        names.append("P_top")
        ops.append(topA + topB - topA * topB)
        rot.append(0.0)
        self.names, self.e_ops, self.rot = names, ops, np.array(rot)

    def hamiltonian(self, coeff, t_end):
        """QuTiP list format (string coefficients) or a QobjEvo with array
        coefficients on a fine grid of its own."""
        if not self.td:
            return self.H0
        if coeff == "string":
            H = [self.H0]
            for op, w in self.td:
                H.append([op, f"exp(1j*({w!r})*t)"])
            return H
        wmax = max(abs(w) for _, w in self.td)
        n = int(np.ceil(t_end * wmax / TWO_PI * 64)) + 1   # 64 points per period
        tl = np.linspace(0.0, t_end, n)
        H = [self.H0] + [[op, np.exp(1j * w * tl)] for op, w in self.td]
        return qutip.QobjEvo(H, tlist=tl)

    def hamiltonian_drive_frame(self):
        """H_d = V H_p V^dag - F (for the frame check): string coefficients."""
        p = self.p
        F = 0
        for j in "AB":
            F = F + self.delta[j] * (self.b[j].dag() * self.b[j]
                                     + self.a[j].dag() * self.a[j])
        H0 = self.H0 - F
        H = []
        for j in "AB":     # pumps: V b V^dag = e^{-i delta t} b
            Om = TWO_PI * p[f"Omega_p{j}"]
            H0 = H0 - Om * (self.b[j] + self.b[j].dag())
            if Om != 0:
                H += [[Om * self.b[j], f"exp(-1j*({self.delta[j]!r})*t)"],
                      [Om * self.b[j].dag(), f"exp(1j*({self.delta[j]!r})*t)"]]
        bA, bB = self.b["A"], self.b["B"]
        H0 = H0 + self.g * (bA.dag() * bB + bB.dag() * bA) \
            + self.eps * (bA + bA.dag())
        return [H0] + H

    def rotate(self, ex, tlist):
        """ex[..., op, time] pump frame -> drive frame."""
        ph = np.exp(-1j * np.outer(self.rot, tlist))
        return ex * ph


def pick(tlist, times):
    if times == "all":
        return list(range(len(tlist)))
    return sorted({int(np.argmin(np.abs(tlist - float(t))))
                   for t in times.split(",")})


def run_mesolve(m, me, coeff, times, rtol=None, atol=None):
    tlist = np.linspace(0.0, me["t_end"], int(me["n_times"]))
    rtol = me["rtol"] if rtol is None else rtol
    atol = me["atol"] if atol is None else atol
    opts = qutip.Options(atol=atol, rtol=rtol, nsteps=10**8)

    def solve(tl):
        return qutip.mesolve(m.hamiltonian(coeff, me["t_end"]), m.psi0, tl,
                             m.c_ops, m.e_ops, options=opts, progress_bar=None)

    solve(np.linspace(0.0, me["t_end"] / 1000, 3))        # warm-up, not timed
    t0, c0 = time.perf_counter(), time.process_time()
    res = solve(tlist)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print("# mesolve timing excludes: imports, model construction, warm-up "
          "mesolve over t_end/1000 (coefficient compilation)")
    print(f"# mesolve: n_times={len(tlist)} t_end={me['t_end']} rtol={rtol} "
          f"atol={atol} coeff={coeff}")
    print(f"qutip_mesolve_seconds {dt:.6g}")
    print(f"qutip_mesolve_cpu_seconds {dc:.6g}")
    ex = m.rotate(np.array([np.asarray(e, dtype=complex) for e in res.expect]),
                  tlist)
    for k in pick(tlist, times):
        for j, name in enumerate(m.names):
            v = ex[j, k]
            print(f"qutip_me {name} {tlist[k]:.10g} {v.real:.12g} {v.imag:.12g}")


def run_mcsolve(m, run, coeff, ntraj, times):
    tlist = np.linspace(0.0, run["t_end"], int(run["n_times"]))

    def solve(tl, nt, seed):
        opts = qutip.Options(atol=run["atol"], rtol=run["rtol"],
                             nsteps=10**8, num_cpus=1, seeds=seed,
                             average_expect=False)
        return qutip.mcsolve(m.hamiltonian(coeff, run["t_end"]), m.psi0, tl,
                             m.c_ops, m.e_ops, ntraj=nt, options=opts,
                             progress_bar=None, map_func=serial_map)

    solve(np.linspace(0.0, run["t_end"] / 100, 3), 2,
          int(run["seed"]) + 12345)                         # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    res = solve(tlist, ntraj, int(run["seed"]))
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print("# mcsolve timing excludes: imports, model construction, warm-up "
          "mcsolve(ntraj=2) over t_end/100 (coefficient compilation)")
    print(f"# mcsolve: ntraj={ntraj} n_times={len(tlist)} t_end={run['t_end']}"
          f" rtol={run['rtol']} atol={run['atol']} coeff={coeff} serial")
    print(f"qutip_mcsolve_seconds {dt:.6g}")
    print(f"qutip_mcsolve_traj_per_second {ntraj / dt:.6g}")
    print(f"qutip_mcsolve_cpu_seconds {dc:.6g}")
    print(f"qutip_mcsolve_traj_per_cpu_second {ntraj / dc:.6g}")
    try:
        nj = np.mean([len(c) for c in res.col_times])
        print(f"# mcsolve: mean number of jumps per trajectory {nj:.4g}")
    except (AttributeError, TypeError):
        pass
    # ex[traj, op, time]
    ex = m.rotate(np.array([[np.asarray(e, dtype=complex) for e in tr]
                            for tr in res.expect]), tlist)
    for k in pick(tlist, times):
        for j, name in enumerate(m.names):
            v = ex[:, j, k]
            mean = v.mean()
            se_re = v.real.std(ddof=1) / np.sqrt(len(v))
            se_im = v.imag.std(ddof=1) / np.sqrt(len(v))
            print(f"qutip_traj {name} {tlist[k]:.10g} {mean.real:.12g} "
                  f"{mean.imag:.12g} {se_re:.6g} {se_im:.6g}")


def frame_check(m, t_end):
    """Rotated pump-frame mesolve against a direct drive-frame mesolve."""
    tlist = np.linspace(0.0, t_end, 51)
    opts = qutip.Options(atol=1e-12, rtol=1e-10, nsteps=10**8)
    rp = qutip.mesolve(m.hamiltonian("string", t_end), m.psi0, tlist, m.c_ops,
                       m.e_ops, options=opts, progress_bar=None)
    rd = qutip.mesolve(m.hamiltonian_drive_frame(), m.psi0, tlist, m.c_ops,
                       m.e_ops, options=opts, progress_bar=None)
    ep = m.rotate(np.array([np.asarray(e, dtype=complex) for e in rp.expect]), tlist)
    ed = np.array([np.asarray(e, dtype=complex) for e in rd.expect])
    # the other sign, for contrast
    ew = np.array([np.asarray(e, dtype=complex) for e in rp.expect]) \
        * np.exp(+1j * np.outer(m.rot, tlist))
    for j, name in enumerate(m.names):
        print(f"# framecheck {name}: t={t_end:g} drive-frame {ed[j, -1]:.6g}, "
              f"rotated exp(-i..) {ep[j, -1]:.6g}, rotated exp(+i..) {ew[j, -1]:.6g}")
    print(f"qutip_framecheck_max_abs_diff {np.max(np.abs(ep - ed)):.3g}")
    print(f"# (wrong sign exp(+i..) would give max |diff| {np.max(np.abs(ew - ed)):.3g})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runfile")
    ap.add_argument("--what", choices=("mesolve", "mcsolve", "framecheck"),
                    default="mesolve")
    ap.add_argument("--ntraj", type=int, default=None)
    ap.add_argument("--coeff", choices=("string", "array"), default="string")
    ap.add_argument("--times", default="all",
                    help="output times to print (comma list) or 'all'")
    ap.add_argument("--rtol", type=float, default=None,
                    help="mesolve: override [mesolve] rtol (reference runs)")
    ap.add_argument("--atol", type=float, default=None)
    ap.add_argument("--t-check", type=float, default=0.4987,
                    help="framecheck: length of the interval (us; not a multiple of 5 ns, where both signs agree)")
    a = ap.parse_args()
    model, run, me = read_runfile(a.runfile)
    # QuTiP 4.7 writes the generated coefficient code (cqobjevo_*.pyx) into
    # the working directory: keep it out of the repository
    tmp = tempfile.TemporaryDirectory(prefix="qsync_qutip_")
    os.chdir(tmp.name)
    m = Transmon(model)
    print(f"# qutip {qutip.__version__}, numpy {np.__version__}, "
          f"cython strings {qutip.qobjevo.use_cython[0]}, dim {m.H0.shape[0]}, "
          f"{len(m.c_ops)} c_ops, {len(m.td)} td terms, model {model}")
    print(f"# rad/us: dd = w_d - w_pA = {m.dd:.8g}, dp = w_pA - w_pB = "
          f"{m.dp:.8g}, w_d - w_pB = {m.delta['B']:.8g}, g = {m.g:.6g}, "
          f"eps = {m.eps:.6g}")
    if a.what == "mesolve":
        run_mesolve(m, me, a.coeff, a.times, a.rtol, a.atol)
    elif a.what == "mcsolve":
        if a.coeff == "array":
            # QuTiP 4.7.1's mcsolve fails on a QobjEvo Hamiltonian
            # (mcsolve.py _func_set: NameError 'ss'), and plain list-format
            # arrays would have to be sampled on the output times
            raise SystemExit("--coeff array works with mesolve only (QuTiP 4.7.1 mcsolve bug)")
        run_mcsolve(m, run, a.coeff,
                    a.ntraj if a.ntraj is not None else int(run["ntraj"]),
                    a.times)
    else:
        frame_check(m, a.t_check)


if __name__ == "__main__":
    main()
