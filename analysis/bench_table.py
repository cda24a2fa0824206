#!/usr/bin/python3
"""Tables of analysis/bench.py's results (out/bench/results.json), printed,
and with --write DOC put into DOC between the markers

  <!-- bench:begin -->  ...  <!-- bench:end -->

(everything outside the markers, e.g. other sections, is kept; without the
markers the block is appended). Standard library only.

Usage: analysis/bench_table.py RESULTS.json [--write docs/benchmarks.md]
"""
import argparse
import statistics
import sys

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TRAJ_TARGET = {"qubit_osc": 50}         # else 20 (issue 15)
ME_TARGET = 5


def rates(res, kind, problem, program, integrator=None):
    """Throughputs (trajectories or solves per CPU second) of every rep."""
    out = []
    for m in res["measurements"]:
        if (m["kind"], m["problem"], m["program"]) != (kind, problem, program):
            continue
        if program == "qsync" and kind == "traj" and m.get("integrator") != integrator:
            continue
        out.append(m.get("ntraj", 1) / m["cpu"] if kind == "traj" else m["cpu"])
    return out


def spread(values, fmt):
    """median (min–max) of the reps."""
    if not values:
        return "–"
    med = fmt % statistics.median(values)
    if len(values) == 1:
        return med
    return f"{med} ({fmt % min(values)}–{fmt % max(values)})"


def traj_table(res):
    rows = ["| problem | dim | integrator | qsync traj per CPU-s | QuTiP traj per CPU-s | ratio | target | ensembles agree: max \\|z\\| (bound, comparisons) |",
            "|---|---|---|---|---|---|---|---|"]
    agree = {(a["problem"], a["integrator"]): a for a in res["agreement"]}
    ntraj = {}
    for m in res["measurements"]:
        if m["kind"] == "traj":
            ntraj[(m["problem"], m["program"])] = m["ntraj"]
    for key, info in res["problems"].items():
        if not key.startswith("me_") and rates(res, "traj", key, "qutip"):
            qt = rates(res, "traj", key, "qutip")
            for integ in res["integrators"].get(key, [None]):
                qs = rates(res, "traj", key, "qsync", integ)
                ratio = statistics.median(qs) / statistics.median(qt)
                a = agree.get((key, integ))
                verdict = "–" if a is None else (
                    f"{'yes' if a['agree'] else '**no**'}: {a['max_abs_z']:.2f} at "
                    f"{a['where']} ({a['z_crit']:.2f}, {a['n']})")
                rows.append(f"| {info['label']} | {info['dim']} | {integ or 'default'} | "
                            f"{spread(qs, '%.4g')} [{ntraj[(key, 'qsync')]}] | "
                            f"{spread(qt, '%.4g')} [{ntraj[(key, 'qutip')]}] | "
                            f"**{ratio:.1f}×** | {TRAJ_TARGET.get(key, 20)}× | {verdict} |")
    return rows if len(rows) > 2 else []


def me_table(res):
    rows = ["| problem | dim | qsync CPU s | QuTiP CPU s | ratio | target | max relative \\|difference\\| |",
            "|---|---|---|---|---|---|---|"]
    agree = {a["problem"]: a for a in res["me_agreement"]}
    for key, info in res["problems"].items():
        qs, qt = rates(res, "mesolve", key, "qsync"), rates(res, "mesolve", key, "qutip")
        if not qs or not qt:
            continue
        a = agree.get(key)
        diff = "–" if a is None else f"{'' if a['agree'] else '**no**: '}{a['max_rel_diff']:.1e}"
        rows.append(f"| {info['label']} | {info['dim']} | {spread(qs, '%.3g')} | "
                    f"{spread(qt, '%.3g')} | **{statistics.median(qt) / statistics.median(qs):.1f}×** | "
                    f"{ME_TARGET}× | {diff} |")
    return rows


def threads_table(res):
    th = res.get("threads", [])
    if not th:
        return []
    med = {}
    for t in (1, 2):
        runs = [r for r in th if r["threads"] == t]
        med[t] = (statistics.median(r["cpu"] for r in runs),
                  statistics.median(r["wall"] for r in runs), runs[0])
    rows = ["| threads (cores) | trajectories | CPU s | wall s | speed-up (wall) | CPU efficiency |",
            "|---|---|---|---|---|---|"]
    for t in (1, 2):
        cpu, wall, r = med[t]
        rows.append(f"| {t} ({r['cpus']}) | {r['ntraj']} | {cpu:.3g} | {wall:.3g} | "
                    f"{med[1][1] / wall:.2f}× | {med[1][0] / cpu:.2f} |")
    return rows


def profile_table(res):
    if not res.get("profile"):
        return []
    rows = ["| problem | integrator | trajectories | Ir in the H_eff product | Ir in the right-hand side (incl.) | top functions (self Ir) |",
            "|---|---|---|---|---|---|"]
    for p in res["profile"]:
        top = ", ".join(f"{k} {100 * v:.0f} %" for k, v in p["top"])
        over = f" ({', '.join(p['overrides'])})" if p.get("overrides") else ""
        # an integrator without a right-hand side (exact) has no H_eff product
        heff = f"**{100 * p['heff']:.1f} %**" if p["rhs"] > 0 else "– (no right-hand side)"
        rows.append(f"| {res['problems'][p['problem']]['label']}{over} | {p['integrator'] or 'default'} | "
                    f"{p['ntraj']} | {heff} | {100 * p['rhs']:.1f} % | {top} |")
    return rows


def render(res):
    q = " (QUICK MODE: tiny trajectory counts, one rep: not a measurement)" if res.get("quick") else ""
    out = [f"Measured {res['date']}{q} on {res['nproc']} cores ({res['cpu_model']}), "
           f"one-thread runs on core {res['cpu']}, load {res['load_start']} at the start and "
           f"{res['load_end']} at the end; qsync {res['qsync_commit']}, {res['sundials']}; "
           f"QuTiP {res.get('qutip_version', '–')} (numpy {res.get('numpy_version', '–')}, "
           f"Python {res['python']}"
           + ("" if res.get("qutip_cython", True) else "; **QuTiP without Cython: its time-dependent "
              "coefficients ran in Python, which flatters qsync on the transmon**")
           + f"). Medians of {res['reps']} interleaved reps, "
           f"(min–max) over the reps, [trajectories per measurement]. qsync's CPU time "
           f"includes its start-up, model build and output writing: "
           f"{1000 * res['fixed_cost_cpu']:.0f} ms per process (a one-trajectory qubit_osc run).",
           "", "**Trajectories** (`qsync run` against `qutip.mcsolve`, rtol 1e-6, atol 1e-8). "
           "Ratio: qsync's median throughput over QuTiP's. The ensembles agree when the largest "
           "|z| of the means (every output time, observable, real and imaginary part; variance "
           "pooled from both ensembles, plus an integration-error allowance) stays below the "
           "Bonferroni bound for a family-wise 1 % false alarm."
           + (" With the few trajectories of the quick mode the verdict means nothing." if res.get("quick") else ""),
           ""]
    out += traj_table(res) or ["(no trajectory problem measured)"]
    me = me_table(res)
    if len(me) > 2:
        over = next(p["overrides"] for k, p in res["problems"].items() if k.startswith("me_"))
        out += ["", "**Master equation** (`qsync mesolve` against `qutip.mesolve`, rtol 1e-8, "
                f"atol 1e-10 (qsync's defaults), `--set {' '.join(o for o in over if o.startswith('mesolve.'))}`; "
                "ratio = QuTiP CPU / qsync CPU):", ""] + me
    th = threads_table(res)
    if th:
        out += ["", f"**Threads** (`qsync run --threads 2` on cores {res['cpus2']} against "
                "`--threads 1`, problem `bench_cavity_q1.ini`; target ≥ 1.9× on an idle machine):", ""] + th
    pr = profile_table(res)
    if pr:
        out += ["", "**Profile** (callgrind instruction counts of the trajectories only, "
                "collection toggled on `run_trajectory`; H_eff product = `qs_op_apply*` called "
                "from the right-hand side; Ir is deterministic but counts instructions, not "
                "cycles; target ≥ 50 % in the H_eff product at dim ≥ 80):", ""] + pr
    return "\n".join(out)


def write(doc, block):
    """Replace the text between the markers of doc by block."""
    try:
        text = open(doc).read()
    except FileNotFoundError:
        text = ""
    new = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + new + rest.split(END, 1)[1]
    else:
        text = text + ("\n" if text and not text.endswith("\n") else "") + new + "\n"
    with open(doc, "w") as f:
        f.write(text)


def main():
    import json
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("--write", metavar="DOC")
    a = ap.parse_args()
    with open(a.results) as f:
        res = json.load(f)
    block = render(res)
    print(block)
    if a.write:
        if res.get("quick"):
            sys.exit("bench_table.py: quick-mode results are not written to the docs")
        write(a.write, block)
        print(f"written to {a.write}")


if __name__ == "__main__":
    main()
