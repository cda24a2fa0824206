#!/usr/bin/python3
"""`make bench`: qsync against QuTiP 4.7 (Debian python3-qutip) on the
problems of issue 15, measured so that neither side is flattered.

  - every process pinned to one core (taskset -c BENCH_CPU), BLAS and OpenMP
    on one thread; the runs interleaved (rep 1: qsync, QuTiP, qsync, QuTiP
    ... over all problems; rep 2: the same ...);
  - CPU time (user + sys) of the work: for qsync the whole process
    (getrusage of the child: start-up, model build and output writing are
    included; their size is measured once, `fixed_cost`), for QuTiP
    time.process_time() around the solver call only (imports, model
    construction and a warm-up solve that compiles the right-hand side are
    excluded);
  - throughput = trajectories per CPU second; medians over BENCH_REPS reps;
    the ratio is qsync's median over QuTiP's median;
  - the two ensembles must agree: z-scores of the means at every output
    time for every observable both programs report (standard errors from
    qsync's summary.tsv and from QuTiP's individual trajectories);
  - `qsync mesolve` against qutip.mesolve at dimensions 80 and 200;
  - `--threads 2` against 1 (CPU and wall);
  - the fraction of trajectory instructions inside the H_eff product
    (qs_op_apply* in src/op.c), from callgrind;
  - every `[run] integrator` the binary accepts gets its own rows.

Usage: /usr/bin/python3 analysis/bench.py        (writes BENCH_OUT/results.json
       and prints the tables; analysis/bench_table.py writes docs/benchmarks.md)
Environment: QSYNC (build/qsync), BENCH_REPS (3), BENCH_QUICK=1 (tiny
trajectory counts, 1 rep, results_quick.json: for testing the harness),
BENCH_CPU (core for the one-thread runs; default the last), BENCH_CPUS2
(cores of the two-thread run; default 0,1), BENCH_ONLY (comma list of
problem keys), BENCH_SCALE (factor on every trajectory count), BENCH_OUT
(out/bench).
Internal: bench.py qutip-mcsolve|qutip-mesolve RUNFILE JSON [--set k=v ...]
[--ntraj N] [--seed S] runs one QuTiP measurement (called pinned by the driver).
"""
import argparse
import datetime
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
# the [run] integrator values to try when `qsync help runfile` lists none
INTEGRATORS = ("adams", "erk", "exact", "floquet")
# An absolute allowance for integration error in the z-scores (rtol 1e-6 of
# both programs): before the first jump every trajectory of an ensemble is the
# same, its standard error is 0, and only integration error separates them.
Z_FLOOR = 1e-5
# The transmon's pump-frame state turns at 200-1000 MHz for 20 us: at rtol
# 1e-6 both programs' S+ are about 1e-3 off the converged value (measured
# with both master equations at rtol 1e-9: git show 5d757f3:analysis/BENCH_TRANSMON.md)
Z_FLOOR_TRANSMON = 1e-3


class Problem:
    """A benchmark problem: run file + overrides; trajectory counts chosen
    for a few CPU seconds per measurement (QuTiP fewer: compare rates)."""

    def __init__(self, key, label, runfile, overrides, dim, n_qsync, n_qutip,
                 quick_overrides=(), z_floor=Z_FLOOR):
        self.key, self.label, self.runfile = key, label, runfile
        self.overrides, self.dim = list(overrides), dim
        self.n_qsync, self.n_qutip = n_qsync, n_qutip
        self.quick_overrides = list(quick_overrides)
        self.z_floor = z_floor


TRAJ_PROBLEMS = [
    Problem("qubit_osc", "`bench_qubit_osc.ini`", "runs/bench_qubit_osc.ini",
            [], 4, 4000, 300),
    Problem("cavity_q1", "`bench_cavity_q1.ini`", "runs/bench_cavity_q1.ini",
            [], 80, 500, 100),
    Problem("cavity_q1_n100", "`bench_cavity_q1.ini`, ncav 100",
            "runs/bench_cavity_q1.ini", ["model.ncav=100"], 200, 300, 60),
    Problem("cavity_q1_n320", "`bench_cavity_q1.ini`, ncav 320",
            "runs/bench_cavity_q1.ini", ["model.ncav=320"], 640, 100, 30),
    Problem("cavity_q2", "`bench_cavity_q2.ini`", "runs/bench_cavity_q2.ini",
            [], 160, 400, 100),
    Problem("cavity_q4", "`bench_cavity_q4.ini`", "runs/bench_cavity_q4.ini",
            [], 640, 100, 30),
    # 2.2 CPU s per qsync trajectory, about 10 for QuTiP (jumps are rare:
    # fewer trajectories would leave the agreement check without power);
    # quick mode shortens the interval
    Problem("transmon", "`bench_transmon.ini`", "runs/bench_transmon.ini",
            [], 81, 8, 4, ["run.t_end=2", "run.n_times=21", "run.burn_in=0"],
            Z_FLOOR_TRANSMON),
]
MESOLVE_OVERRIDES = ["mesolve.t_end=20", "mesolve.n_times=101",
                     "mesolve.avg_periods=0"]
ME_QUICK = ["mesolve.t_end=2", "mesolve.n_times=11"]
ME_PROBLEMS = [
    Problem("me_cavity_q1", "`bench_cavity_q1.ini`", "runs/bench_cavity_q1.ini",
            MESOLVE_OVERRIDES, 80, 0, 0, ME_QUICK),
    Problem("me_cavity_q1_n100", "`bench_cavity_q1.ini`, ncav 100",
            "runs/bench_cavity_q1.ini", MESOLVE_OVERRIDES + ["model.ncav=100"],
            200, 0, 0, ME_QUICK),
]
THREADS_PROBLEM = "cavity_q1"
# callgrind: a few trajectories (transmon over 2 us): Ir is deterministic
PROFILE_NTRAJ = {"qubit_osc": 20, "cavity_q1": 4, "transmon": 1}
PROFILE_OVERRIDES = {"transmon": ["run.t_end=2", "run.n_times=21", "run.burn_in=0"]}
HEFF_FUNCTIONS = re.compile(r"^qs_op_apply")
RHS_FUNCTIONS = ("qs_traj_derivative", "rhs")     # the right-hand side (rhs: before 2e57b5b)


# ---------------------------------------------------------------- helpers

def env_int(name, default):
    return int(os.environ.get(name, default))


def sets(overrides):
    return [a for ov in overrides for a in ("--set", ov)]


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True,
                          text=True).stdout.strip()


def timed(cmd, cpus):
    """Run cmd pinned to cpus; (returncode, stdout, stderr, cpu s, wall s)
    with cpu = user + sys of the child from getrusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(["taskset", "-c", cpus] + cmd, capture_output=True,
                       text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p.returncode, p.stdout, p.stderr, cpu, wall


def read_tsv(path):
    """{column: [floats]} of a qsync table (one '#' header line)."""
    with open(path) as f:
        head = f.readline().lstrip("#").split()
        rows = [list(map(float, l.split())) for l in f if l.strip()]
    return {h: [r[i] for r in rows] for i, h in enumerate(head)}


def load():
    return sh("cut -d' ' -f1-3 /proc/loadavg")


# ---------------------------------------------------------------- QuTiP side

def qutip_worker(argv):
    """One QuTiP measurement in this (pinned) process; results to a JSON file."""
    ap = argparse.ArgumentParser(prog="bench.py qutip-*")
    ap.add_argument("what", choices=("qutip-mcsolve", "qutip-mesolve"))
    ap.add_argument("runfile")
    ap.add_argument("json")
    ap.add_argument("--set", action="append", default=[], dest="overrides")
    ap.add_argument("--ntraj", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["QUTIP_NUM_PROCESSES"] = "1"
    sys.path.insert(0, HERE)
    runfile, result = os.path.abspath(a.runfile), os.path.abspath(a.json)
    os.chdir(tempfile.mkdtemp(prefix="qsync_bench_"))   # QuTiP's .pyx files
    import numpy as np
    import qutip
    from qutip.parallel import serial_map
    import bench_models as bm
    ini = bm.read_runfile(runfile, a.overrides)
    m = bm.build(ini)
    mc = a.what == "qutip-mcsolve"
    tlist, rtol, atol = bm.times(ini, "run" if mc else "mesolve")
    opts = qutip.Options(atol=atol, rtol=rtol, nsteps=10**8, num_cpus=1,
                         average_expect=False)

    def solve(tl, seed, ntraj):
        opts.seeds = seed
        if mc:
            return qutip.mcsolve(m.H, m.psi0, tl, m.c_ops, m.e_ops, ntraj=ntraj,
                                 options=opts, progress_bar=None,
                                 map_func=serial_map)
        return qutip.mesolve(m.H, m.psi0, tl, m.c_ops, m.e_ops, options=opts,
                             progress_bar=None)

    solve(tlist[:3], a.seed + 12345, 2)    # warm-up: compiles the RHS, untimed
    t0, c0 = time.perf_counter(), time.process_time()
    res = solve(tlist, a.seed, a.ntraj)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    out = dict(cpu=cpu, wall=wall, ntraj=a.ntraj, dim=m.dim, names=m.names,
               t=list(tlist), qutip=qutip.__version__, numpy=np.__version__,
               cython=bool(qutip.qobjevo.use_cython[0]))
    if mc:          # ex[trajectory, observable, time] in qsync's frame
        ex = m.to_report_frame(np.array([[np.asarray(e, dtype=complex)
                                          for e in tr] for tr in res.expect]),
                               tlist)
        mean = ex.mean(axis=0)
        n = ex.shape[0]
        out.update(re=mean.real.tolist(), im=mean.imag.tolist(),
                   re_se=(ex.real.std(axis=0, ddof=1) / np.sqrt(n)).tolist(),
                   im_se=(ex.imag.std(axis=0, ddof=1) / np.sqrt(n)).tolist(),
                   jumps=float(np.mean([len(c) for c in res.col_times])))
    else:
        ex = m.to_report_frame(np.array([np.asarray(e, dtype=complex)
                                         for e in res.expect]), tlist)
        out.update(re=ex.real.tolist(), im=ex.imag.tolist())
    with open(result, "w") as f:
        json.dump(out, f)


def run_qutip(what, prob, ntraj, seed, cpu, overrides, path):
    cmd = [PYTHON, os.path.join(HERE, "bench.py"), f"qutip-{what}",
           prob.runfile, path, "--ntraj", str(ntraj), "--seed", str(seed)]
    rc, _, err, _, _ = timed(cmd + sets(overrides), cpu)
    if rc != 0:
        raise SystemExit(f"QuTiP {what} on {prob.key} failed:\n{err[-2000:]}")
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------- agreement

def z_scores(qsync, qt, floor):
    """z of the two ensembles' means at every time, observable, re/im part.
    Under the hypothesis tested, both sample one distribution: its variance
    is pooled from the two ensembles (two-sample test with equal variances;
    a small ensemble whose trajectories happen to coincide then does not give
    a zero standard error)."""
    na, nb = qsync["ntraj"], qt["ntraj"]
    zs = []
    for j, name in enumerate(qt["names"]):
        for part in ("re", "im"):
            col = f"{name}.{part}"
            if col not in qsync:
                continue
            for k, t in enumerate(qt["t"]):
                a, sa = qsync[col][k], qsync[col + "_se"][k]
                b, sb = qt[part][j][k], qt[part + "_se"][j][k]
                var = (na * (na - 1) * sa * sa + nb * (nb - 1) * sb * sb) / (na + nb - 2)
                se = (var * (1 / na + 1 / nb) + floor * floor) ** 0.5
                if se == se:        # no nan (a one-trajectory ensemble)
                    zs.append(((a - b) / se, f"{col} t={t:g}"))
    return zs


def agreement(zs):
    """max |z|, its place, the number of comparisons and the verdict: the
    Bonferroni bound at family-wise 1 % (conservative: the values are
    correlated in time)."""
    from statistics import NormalDist
    n = len(zs)
    worst = max(zs, key=lambda z: abs(z[0]))
    crit = NormalDist().inv_cdf(1 - 0.01 / (2 * n))
    return dict(max_abs_z=abs(worst[0]), where=worst[1], n=n, z_crit=crit,
                frac_above_2=sum(abs(z) > 2 for z, _ in zs) / n,
                agree=abs(worst[0]) < crit)


def me_agreement(qsync, qt):
    """max |difference| of the two master equations, relative to the
    observable's largest magnitude (at least 1)."""
    worst = (0.0, "")
    for j, name in enumerate(qt["names"]):
        for part in ("re", "im"):
            col = f"{name}.{part}"
            if col not in qsync:
                continue
            scale = max(1.0, max(abs(v) for v in qt[part][j]))
            for k, t in enumerate(qt["t"]):
                d = abs(qsync[col][k] - qt[part][j][k]) / scale
                if d > worst[0]:
                    worst = (d, f"{col} t={t:g}")
    return dict(max_rel_diff=worst[0], where=worst[1], agree=worst[0] < 1e-4)


# ---------------------------------------------------------------- qsync side

class Bench:
    def __init__(self):
        self.quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
        self.reps = 1 if self.quick else env_int("BENCH_REPS", 3)
        self.scale = float(os.environ.get("BENCH_SCALE", 1))
        self.qsync = os.environ.get("QSYNC", "build/qsync")
        self.cpu = os.environ.get("BENCH_CPU", str(os.cpu_count() - 1))
        self.cpus2 = os.environ.get("BENCH_CPUS2", "0,1")
        self.out = os.environ.get("BENCH_OUT", "out/bench")
        only = os.environ.get("BENCH_ONLY", "")
        self.only = set(only.split(",")) if only else None
        self.res = dict(quick=self.quick, reps=self.reps, measurements=[],
                        agreement=[], me_agreement=[], threads=[], profile=[],
                        integrators={})
        os.makedirs(self.out, exist_ok=True)

    def wanted(self, p):
        return self.only is None or p.key in self.only

    def overrides(self, p):
        """The problem's --set overrides (quick mode: its own win)."""
        merged = {}
        for ov in p.overrides + (p.quick_overrides if self.quick else []):
            merged[ov.split("=", 1)[0]] = ov
        return list(merged.values())

    def ntraj(self, n, quick):
        return quick if self.quick else max(2, round(n * self.scale))

    def qsync_ntraj(self, p):
        return self.ntraj(p.n_qsync, 4 if p.dim < 600 else 2)

    def qsync_cmd(self, command, p, out, extra=()):
        return [self.qsync, command, p.runfile, "--out", out, "--threads", "1"] \
            + sets(self.overrides(p)) + list(extra)

    def integrators(self, p):
        """The `[run] integrator` values the binary accepts on this problem
        (None: the key does not exist yet, one row for the default)."""
        probe = [f"--set", "run.t_end=0.02", "--set", "run.n_times=2",
                 "--set", "run.burn_in=0", "--ntraj", "2", "--quiet"]
        out = os.path.join(self.out, "probe")
        ok = [x for x in self.integrator_names()
              if subprocess.run(self.qsync_cmd("run", p, out, probe
                                               + ["--set", f"run.integrator={x}"]),
                                capture_output=True).returncode == 0]
        return ok or [None]

    def integrator_names(self):
        """The choices of [run] integrator in `qsync help runfile`."""
        m = re.search(r"^\s*integrator = \S+\s+\(unit -; ([^)]*)\)",
                      sh(f"{self.qsync} help runfile"), re.M)
        return [x.strip() for x in m.group(1).split("|")] if m else INTEGRATORS

    def run_qsync(self, p, integ, rep):
        n = self.qsync_ntraj(p)
        out = os.path.join(self.out, f"{p.key}_{integ or 'default'}")
        extra = ["--ntraj", str(n)] + (["--set", f"run.integrator={integ}"] if integ else [])
        rc, so, err, cpu, wall = timed(self.qsync_cmd("run", p, out, extra), self.cpu)
        if rc != 0:
            raise SystemExit(f"qsync on {p.key} failed:\n{err[-2000:]}")
        self.res["measurements"].append(dict(
            kind="traj", problem=p.key, program="qsync", integrator=integ,
            rep=rep, ntraj=n, cpu=cpu, wall=wall, line=so.splitlines()[0],
            load=load()))
        print(f"  qsync {integ or 'default':8s} {n:6d} traj {cpu:7.3f} CPU s "
              f"{n / cpu:9.1f} traj/CPU-s", flush=True)
        return out

    def traj_problems(self):
        probs = [p for p in TRAJ_PROBLEMS if self.wanted(p)]
        integ = {p.key: self.integrators(p) for p in probs}
        self.res["integrators"] = integ
        last_qutip = {}
        for rep in range(self.reps):
            for p in probs:
                print(f"rep {rep + 1}/{self.reps} {p.key} (dim {p.dim}), load {load()}",
                      flush=True)
                for x in integ[p.key]:
                    self.run_qsync(p, x, rep)
                n = self.ntraj(p.n_qutip, 3)
                qt = run_qutip("mcsolve", p, n, 1 + rep, self.cpu, self.overrides(p),
                               os.path.join(self.out, f"{p.key}_qutip.json"))
                self.res["measurements"].append(dict(
                    kind="traj", problem=p.key, program="qutip", rep=rep, ntraj=n,
                    cpu=qt["cpu"], wall=qt["wall"], jumps=qt["jumps"], load=load()))
                self.res["qutip_version"] = qt["qutip"]
                self.res["numpy_version"] = qt["numpy"]
                self.res["qutip_cython"] = qt["cython"]
                print(f"  QuTiP          {n:6d} traj {qt['cpu']:7.3f} CPU s "
                      f"{n / qt['cpu']:9.1f} traj/CPU-s", flush=True)
                last_qutip[p.key] = qt
        for p in probs:         # the last rep's ensembles
            for x in integ[p.key]:
                summary = read_tsv(os.path.join(
                    self.out, f"{p.key}_{x or 'default'}", "summary.tsv"))
                summary["ntraj"] = self.qsync_ntraj(p)
                a = agreement(z_scores(summary, last_qutip[p.key], p.z_floor))
                self.res["agreement"].append(dict(problem=p.key, integrator=x,
                                                  z_floor=p.z_floor, **a))

    def me_problems(self):
        probs = [p for p in ME_PROBLEMS if self.wanted(p)]
        last = {}
        for rep in range(self.reps):
            for p in probs:
                out = os.path.join(self.out, p.key)
                rc, so, err, cpu, wall = timed(self.qsync_cmd("mesolve", p, out), self.cpu)
                if rc != 0:
                    raise SystemExit(f"qsync mesolve on {p.key} failed:\n{err[-2000:]}")
                self.res["measurements"].append(dict(
                    kind="mesolve", problem=p.key, program="qsync", rep=rep,
                    cpu=cpu, wall=wall, line=so.splitlines()[0], load=load()))
                qt = run_qutip("mesolve", p, 0, 1, self.cpu, self.overrides(p),
                               os.path.join(self.out, f"{p.key}_qutip.json"))
                self.res["measurements"].append(dict(
                    kind="mesolve", problem=p.key, program="qutip", rep=rep,
                    cpu=qt["cpu"], wall=qt["wall"], load=load()))
                print(f"mesolve {p.key} rep {rep + 1}: qsync {cpu:.3f} CPU s, "
                      f"QuTiP {qt['cpu']:.3f} CPU s", flush=True)
                last[p.key] = qt
        for p in probs:
            ts = read_tsv(os.path.join(self.out, p.key, "timeseries.tsv"))
            self.res["me_agreement"].append(dict(problem=p.key,
                                                 **me_agreement(ts, last[p.key])))

    def threads(self):
        """--threads 2 on two cores against --threads 1 on one, interleaved."""
        p = next(p for p in TRAJ_PROBLEMS if p.key == THREADS_PROBLEM)
        if (os.cpu_count() or 1) < 2 or not self.wanted(p):
            return
        n = self.ntraj(2 * p.n_qsync, 8)
        for rep in range(self.reps):
            for threads, cpus in ((1, self.cpu), (2, self.cpus2)):
                cmd = self.qsync_cmd("run", p, os.path.join(self.out, "threads"),
                                     ["--ntraj", str(n), "--threads", str(threads)])
                rc, _, err, cpu, wall = timed(cmd, cpus)
                if rc != 0:
                    raise SystemExit(f"qsync --threads {threads} failed:\n{err}")
                self.res["threads"].append(dict(problem=p.key, threads=threads,
                                                cpus=cpus, rep=rep, ntraj=n,
                                                cpu=cpu, wall=wall, load=load()))
                print(f"threads {threads}: {n} traj, {cpu:.3f} CPU s, {wall:.3f} s wall",
                      flush=True)

    def profile(self):
        """Instructions (callgrind Ir) inside the H_eff product, as a fraction
        of those of the trajectories (collection toggled on run_trajectory,
        src/ensemble.c: set-up and output writing excluded)."""
        keys = ["cavity_q1"] if self.quick else [p.key for p in TRAJ_PROBLEMS]
        for p in TRAJ_PROBLEMS:
            if p.key not in keys or not self.wanted(p):
                continue
            n = PROFILE_NTRAJ.get(p.key, 2)
            for x in self.res["integrators"].get(p.key, [None]):
                if x in ("exact", "floquet") and p.dim > 200:
                    # their O(d^3) / d x d-propagator set-up alone takes
                    # many minutes under callgrind at d = 640
                    print(f"profile {p.key} {x}: skipped (set-up too slow under callgrind)")
                    continue
                cg = os.path.join(self.out, f"callgrind_{p.key}_{x or 'default'}.out")
                extra = ["--ntraj", str(n), "--quiet"] + sets(PROFILE_OVERRIDES.get(p.key, [])) \
                    + (["--set", f"run.integrator={x}"] if x else [])
                cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}",
                       "--toggle-collect=run_trajectory"] \
                    + self.qsync_cmd("run", p, os.path.join(self.out, "profile"), extra)
                if subprocess.run(cmd, capture_output=True).returncode != 0:
                    print(f"profile {p.key}: valgrind failed", flush=True)
                    continue
                prof = callgrind_fractions(cg)
                prof.update(problem=p.key, integrator=x, ntraj=n,
                            overrides=PROFILE_OVERRIDES.get(p.key, []))
                self.res["profile"].append(prof)
                print(f"profile {p.key} {x or 'default'}: H_eff product "
                      f"{100 * prof['heff']:.1f} % of {prof['total']:.3g} Ir", flush=True)

    def fixed_cost(self):
        """qsync's start-up + model build + output writing (+ one dimension-4
        trajectory, about a millisecond): the part of each qsync measurement
        that is not trajectories."""
        p = TRAJ_PROBLEMS[0]
        cpus = []
        for _ in range(3):
            rc, _, _, cpu, _ = timed(self.qsync_cmd("run", p, os.path.join(self.out, "fixed"),
                                                    ["--ntraj", "1", "--quiet"]), self.cpu)
            cpus.append(cpu)
        self.res["fixed_cost_cpu"] = statistics.median(cpus)

    def machine(self):
        model = sh("lscpu | sed -n 's/^Model name: *//p'")
        # shared: Debian's libsundials; static: build/sundials.stamp says which
        debian = sh("dpkg-query -W -f='${Version}' libsundials-dev 2>/dev/null")
        shared = sh(f"ldd {self.qsync} | grep -c libsundials") not in ("", "0")
        stamp = sh("cat build/sundials.stamp 2>/dev/null")
        self.res.update(
            date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            nproc=os.cpu_count(), cpu_model=model,
            qsync_commit=sh("git rev-parse --short HEAD") + (" (modified)" if sh("git status --porcelain -uno") else ""),
            sundials=f"SUNDIALS: system libsundials-dev {debian} (shared)" if shared
            else f"SUNDIALS linked statically ({stamp or 'no build/sundials.stamp'}; "
                 f"Debian's libsundials-dev {debian})",
            python=sys.version.split()[0], cpu=self.cpu, cpus2=self.cpus2,
            load_start=load())


def callgrind_fractions(path):
    """Ir fractions of the H_eff product (qs_op_apply* called from the
    right-hand side: the jump operators' products are left out), of the
    right-hand side, and the top functions (self)."""
    annotate = f"callgrind_annotate --threshold=100 --auto=no {path}"
    line = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+([<*]?)\s*(\S+?):(\S+)")

    def entries(text):      # (Ir, marker, function) of each listed line
        for l in text.splitlines():
            m = line.match(l)
            yield (int(m.group(1).replace(",", "")), m.group(2), m.group(4)) if m else None

    def per_function(text):  # {function: Ir}; a function listed under two paths once
        out = {}
        for e in entries(text):
            if e:
                out[e[2]] = max(out.get(e[2], 0), e[0])
        return out
    incl = sh(f"{annotate} --inclusive=yes")
    inc, exc = per_function(incl), per_function(sh(annotate))
    heff, callers = 0, []
    for e in entries(sh(f"{annotate} --inclusive=yes --tree=caller")):
        if e is None:
            callers = []
        elif e[1] == "<":
            callers.append(e)
        elif e[1] == "*":
            if HEFF_FUNCTIONS.match(e[2]):
                heff += sum(c[0] for c in callers if c[2] in RHS_FUNCTIONS)
            callers = []
    m = re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", incl)
    total = int(m.group(1).replace(",", "")) if m else 0
    if not total:
        return dict(total=0, heff=float("nan"), rhs=float("nan"), top=[])
    top = sorted(exc.items(), key=lambda kv: -kv[1])[:5]
    return dict(total=total, heff=heff / total,
                rhs=max(inc.get(f, 0) for f in RHS_FUNCTIONS) / total,
                top=[(k, v / total) for k, v in top])


def main():
    if len(sys.argv) > 1 and sys.argv[1].startswith("qutip-"):
        return qutip_worker(sys.argv[1:])
    os.chdir(ROOT)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    b = Bench()
    b.machine()
    b.fixed_cost()
    b.traj_problems()
    b.me_problems()
    b.threads()
    b.profile()
    b.res["load_end"] = load()
    b.res["problems"] = {p.key: dict(label=p.label, runfile=p.runfile, dim=p.dim,
                                     overrides=b.overrides(p))
                         for p in TRAJ_PROBLEMS + ME_PROBLEMS}
    path = os.path.join(b.out, "results_quick.json" if b.quick else "results.json")
    with open(path, "w") as f:
        json.dump(b.res, f, indent=1)
    sys.path.insert(0, HERE)
    import bench_table
    print()
    print(bench_table.render(b.res))
    print(f"raw results: {path}")


if __name__ == "__main__":
    main()
