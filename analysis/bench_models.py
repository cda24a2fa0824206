"""QuTiP 4.7 versions of qsync's benchmark models, built from a qsync run file
and the same `--set section.key=value` overrides (analysis/bench.py).

Each builder returns a Model: the Hamiltonian in QuTiP's list format, the
collapse operators, the initial state, the observables under qsync's names
(so that summary.tsv columns NAME.re, NAME.re_se match), and per observable a
frame rotation rate (transmon: QuTiP integrates in the pump frame, qsync
reports in the drive frame). The models are written from docs/models.md,
not from qsync's code:

  qubit_osc      two spins A (left factor), B; basis m = +S .. -S;
                 H = delta_d SzA + (delta_d + delta_q) SzB
                     + (g/2)(S+A S-B + S-A S+B) + (eps/2)(S+A + S-A),
                 c = sqrt(w_A) S+A, sqrt(gamma_A) S-A, sqrt(w_B) S+B,
                     sqrt(gamma_B) S-B, sqrt(2 gamma_phi) Sz{A,B};
                 psi0 = |-S>|-S>.
  cavity_qubits  RWA, cavity (left factor, ncav levels) and N qubits
                 (index 0 = up): H = -domega n + sum_l (Delta_l - domega)/2 sz_l
                     + sum_l (a s+_l + a^dag s-_l) + F (a + a^dag),
                 c = sqrt(gamma) a, sqrt(gamma_s) s-_l; psi0 = |0>|down..>.
  transmon       Appendix E of the two-qubit-oscillator paper in the pump
                 frame (time-dependent coupling g and drive eps, Cython
                 string coefficients), observables rotated to the drive frame.

Needs numpy and qutip: run under /usr/bin/python3 (Debian python3-qutip).
"""
import configparser

import numpy as np
import qutip

TWO_PI = 2.0 * np.pi

# qsync's defaults (src/runfile.c) for the keys the QuTiP side needs
RUN_DEFAULTS = dict(ntraj=1000, seed=1, t_end=50.0, n_times=201, rtol=1e-6,
                    atol=1e-8)
MESOLVE_DEFAULTS = dict(t_end=100.0, n_times=201, rtol=1e-8, atol=1e-10)
MODEL_DEFAULTS = {
    "qubit_osc": dict(spin=0.5, w_a=0.4, gamma_a=0.6, w_b=0.75, gamma_b=0.25,
                      g=1.0, delta_d=0.0, delta_q=0.0, eps=0.1,
                      gamma_phi=0.0),
    "cavity_qubits": dict(nqubits=1, ncav=40, frame="rwa", displace="off",
                          domega=0.0, f=1.0, gamma=0.3, gamma_s=0.0,
                          **{f"delta_{l}": 2.0 for l in range(1, 9)}),
    "transmon": dict(column="none", levels_q=3, levels_r=3,
                     f_qa=5000.0, f_qb=5000.0, delta_a=0.0, delta_b=0.0,
                     f_aa=4600.0, f_ab=4600.0, alpha_a=400.0, alpha_b=500.0,
                     f_pa=4800.0, f_pb=4750.0, omega_pa=0.0, omega_pb=0.0,
                     g_a=8.0, g_b=4.0, kappa_a=60.0, kappa_b=60.0,
                     gamma0_a=53.0, gamma0_b=53.0, gamma_phi_a=0.0,
                     gamma_phi_b=0.0, g=0.0, eps=20.0, detuning_d=0.0),
}
# transmon Table II presets (keys set in the file win): kHz / MHz as the keys
TRANSMON_COLUMNS = {
    "none": {},
    "fig10a": dict(eps=20.0, omega_pa=0.0, omega_pb=8.0, delta_a=160.0,
                   delta_b=1013.72),
    "fig10b": dict(eps=20.0, omega_pa=5.5, omega_pb=9.0, delta_a=763.3,
                   delta_b=1230.0),
    "fig11b": dict(eps=40.0, omega_pa=7.0, omega_pb=4.1, delta_a=1135.0,
                   delta_b=300.0),
}


class Model:
    """H (Qobj or list format), c_ops, psi0, e_ops, names, rot (rad/time)."""

    def __init__(self, H, c_ops, psi0, e_ops, names, rot=None):
        self.H, self.c_ops, self.psi0 = H, c_ops, psi0
        self.e_ops, self.names = e_ops, names
        self.rot = np.zeros(len(names)) if rot is None else np.asarray(rot)
        self.dim = psi0.shape[0]

    def to_report_frame(self, ex, tlist):
        """ex[..., observable, time] -> the frame qsync reports in."""
        return ex * np.exp(-1j * np.outer(self.rot, tlist))


def read_runfile(path, overrides=()):
    """{section: {key: raw string}} of a run file with `section.key=value`
    overrides applied (keys lower-case, as qsync's iniparser reads them)."""
    cp = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    if not cp.read(path):
        raise SystemExit(f"cannot read run file {path}")
    ini = {s: dict(cp.items(s)) for s in cp.sections()}
    for ov in overrides:
        key, value = ov.split("=", 1)
        sec, name = key.split(".", 1)
        ini.setdefault(sec.lower(), {})[name.lower()] = value
    return ini


def section(ini, name, defaults):
    """Defaults overlaid with the section's keys (typed as the defaults)."""
    vals = dict(defaults)
    for k, raw in ini.get(name, {}).items():
        if k in defaults:
            d = defaults[k]
            vals[k] = raw.strip() if isinstance(d, str) else type(d)(float(raw))
    return vals


def times(ini, sec):
    """(tlist, rtol, atol) of [run] or [mesolve]."""
    p = section(ini, sec, RUN_DEFAULTS if sec == "run" else MESOLVE_DEFAULTS)
    return (np.linspace(0.0, p["t_end"], int(p["n_times"])), p["rtol"],
            p["atol"])


def build(ini):
    name = ini.get("model", {}).get("name", "").strip()
    builders = {"qubit_osc": qubit_osc, "cavity_qubits": cavity_qubits,
                "transmon": transmon}
    if name not in builders:
        raise SystemExit(f"model {name!r}: no QuTiP version in bench_models.py")
    return builders[name](section(ini, "model", MODEL_DEFAULTS[name]), ini)


def qubit_osc(p, ini):
    S = p["spin"]
    d = int(round(2 * S + 1))
    eye = qutip.qeye(d)
    sz, sp, sm = qutip.jmat(S, "z"), qutip.jmat(S, "+"), qutip.jmat(S, "-")
    szA, spA, smA = (qutip.tensor(o, eye) for o in (sz, sp, sm))
    szB, spB, smB = (qutip.tensor(eye, o) for o in (sz, sp, sm))
    H = (p["delta_d"] * szA + (p["delta_d"] + p["delta_q"]) * szB
         + 0.5 * p["g"] * (spA * smB + smA * spB)
         + 0.5 * p["eps"] * (spA + smA))
    rated = [(p["w_a"], spA), (p["gamma_a"], smA), (p["w_b"], spB),
             (p["gamma_b"], smB), (2 * p["gamma_phi"], szA),
             (2 * p["gamma_phi"], szB)]
    c_ops = [np.sqrt(r) * op for r, op in rated if r > 0]
    down = qutip.basis(d, d - 1)          # index d-1 is m = -S
    return Model(H, c_ops, qutip.tensor(down, down), [spA, spB, szA, szB],
                 ["Sp_A", "Sp_B", "Sz_A", "Sz_B"])


def cavity_qubits(p, ini):
    if p["frame"] != "rwa" or p["displace"] != "off":
        raise SystemExit("cavity_qubits: only frame = rwa, displace = off")
    nq, nc = int(p["nqubits"]), int(p["ncav"])
    dims = [nc] + [2] * nq

    def emb(op, k):                      # op on subsystem k (0 = cavity)
        ops = [qutip.qeye(d) for d in dims]
        ops[k] = op
        return qutip.tensor(ops)

    a = emb(qutip.destroy(nc), 0)
    n = a.dag() * a
    H = -p["domega"] * n + p["f"] * (a + a.dag())
    c_ops = [np.sqrt(p["gamma"]) * a] if p["gamma"] > 0 else []
    e_ops, names = [a, n, emb(qutip.fock_dm(nc, nc - 1), 0)], ["a", "n", "P_top"]
    for l in range(1, nq + 1):
        sx, sy, sz = (emb(o, l) for o in
                      (qutip.sigmax(), qutip.sigmay(), qutip.sigmaz()))
        sp, sm = emb(qutip.sigmap(), l), emb(qutip.sigmam(), l)
        H += 0.5 * (p[f"delta_{l}"] - p["domega"]) * sz + a * sp + a.dag() * sm
        if p["gamma_s"] > 0:
            c_ops.append(np.sqrt(p["gamma_s"]) * sm)
        e_ops += [0.5 * sx, 0.5 * sy, 0.5 * sz]
        names += [f"Sx_{l}", f"Sy_{l}", f"Sz_{l}"]
    psi0 = qutip.tensor([qutip.basis(nc, 0)] + [qutip.basis(2, 1)] * nq)
    return Model(H, c_ops, psi0, e_ops, names)


def transmon(p, ini):
    """Units: us; frequency keys in MHz or kHz (cyclic), used as rad/us."""
    given = set(ini.get("model", {}))
    col = p["column"].lower()
    if col not in TRANSMON_COLUMNS:
        raise SystemExit(f"transmon column {col!r} unknown")
    for k, v in TRANSMON_COLUMNS[col].items():
        if k not in given:
            p[k] = v
    lq, lr = int(p["levels_q"]), int(p["levels_r"])
    dims = [lq, lr, lq, lr]             # transmon A, resonator A, B, resonator B

    def emb(op, k):
        ops = [qutip.qeye(d) for d in dims]
        ops[k] = op
        return qutip.tensor(ops)

    mhz = lambda k: TWO_PI * p[k]                    # noqa: E731
    khz = lambda k: TWO_PI * p[k] / 1000.0           # noqa: E731
    b = {"a": emb(qutip.destroy(lq), 0), "b": emb(qutip.destroy(lq), 2)}
    a = {"a": emb(qutip.destroy(lr), 1), "b": emb(qutip.destroy(lr), 3)}
    w_p = {j: mhz(f"f_p{j}") for j in "ab"}
    w_d = TWO_PI * (p["f_qa"] + p["detuning_d"] / 1000.0)
    H0, c_ops = 0, []
    for j in "ab":
        nb, na = b[j].dag() * b[j], a[j].dag() * a[j]
        w_q = TWO_PI * (p[f"f_q{j}"] - p[f"delta_{j}"] / 1000.0)
        H0 = H0 + (w_q - w_p[j]) * nb - 0.5 * mhz(f"alpha_{j}") * nb * (nb - 1) \
            + (mhz(f"f_a{j}") - w_p[j]) * na \
            + mhz(f"g_{j}") * (a[j] * b[j].dag() + a[j].dag() * b[j]) \
            + mhz(f"omega_p{j}") * (b[j] + b[j].dag())
        for rate, op in ((mhz(f"kappa_{j}"), a[j]), (khz(f"gamma0_{j}"), b[j]),
                         (khz(f"gamma_phi_{j}"), nb)):
            if rate > 0:
                c_ops.append(np.sqrt(rate) * op)
    g, eps = khz("g"), khz("eps")
    dp, dd = w_p["a"] - w_p["b"], w_d - w_p["a"]
    td = []                                   # (operator, frequency) pairs
    if g != 0:
        td += [(g * b["a"].dag() * b["b"], +dp), (g * b["b"].dag() * b["a"], -dp)]
    if eps != 0:
        td += [(eps * b["a"], +dd), (eps * b["a"].dag(), -dd)]
    H = [H0] + [[op, f"exp(1j*({w!r})*t)"] for op, w in td] if td else H0
    names, e_ops, rot = [], [], []
    for j, k in (("A", 0), ("B", 2)):     # S+ = |e><g| rotates into the drive frame
        names.append(f"Sp_{j}")
        e_ops.append(emb(qutip.basis(lq, 1) * qutip.basis(lq, 0).dag(), k))
        rot.append(w_d - w_p[j.lower()])
    for j, k in (("A", 0), ("B", 2)):
        for lev, c in enumerate("gef"[:min(lq, 3)]):
            names.append(f"P{c}_{j}")
            e_ops.append(emb(qutip.fock_dm(lq, lev), k))
            rot.append(0.0)
    for j in "AB":
        names.append(f"na_{j}")
        e_ops.append(a[j.lower()].dag() * a[j.lower()])
        rot.append(0.0)
    topA, topB = emb(qutip.fock_dm(lr, lr - 1), 1), emb(qutip.fock_dm(lr, lr - 1), 3)
    names.append("P_top")
    e_ops.append(topA + topB - topA * topB)
    rot.append(0.0)
    psi0 = qutip.tensor([qutip.basis(d, 0) for d in dims])
    return Model(H, c_ops, psi0, e_ops, names, rot)
