#!/usr/bin/env bash
# Reproduce Figs. 1-12 and A1-A5 of the driven-resonator paper (one cavity,
# N qubits; RWA steady states, lab-frame master equation, the rate series
# (R)/(R)*, the semiclassical minima, the Liouvillian gap) with `qsync
# steady`, `mesolve`, `semiclassical` and `validity`.
#
#   make && analysis/cavity_figures.sh        # every figure
#   analysis/cavity_figures.sh 1 7 11         # only these figures
#
# Run from anywhere; works in the repository root.  The data go to
# out/cav_figNN/..., the PNGs to out/figures/cav_figNN.png (made by
# analysis/cav_figNN.py, Python 3 with Debian numpy + matplotlib).  Notes for
# every figure (parameters, choices, run times, paper versus qsync) are in
# analysis/CAVITY_FIGURES.md.
#
# Environment: QSYNC (default build/qsync), PYTHON (default
# /usr/bin/python3), THREADS (default 2: sweep points of mesolve run in
# parallel), REDO=1 recomputes data that already exist (default: reuse
# out/cav_figNN/*/summary.tsv, so re-plotting is cheap), PLOT=0 computes the
# data only.
set -euo pipefail
cd "$(dirname "$0")/.."

source analysis/figlib.sh
figure_env

plot() { [[ $PLOT == 0 ]] || $PY "analysis/cav_fig$1.py"; }

steady() { # RUNFILE OUTDIR [qsync options...]
  local run=$1 dir=$2
  shift 2
  have "$dir" && return 0
  "$QSYNC" steady "$run" --out "$dir" --threads "$THREADS" --quiet "$@"
}

semiclassical() { # RUNFILE OUTDIR [qsync options...]
  local run=$1 dir=$2
  shift 2
  have "$dir" && return 0
  "$QSYNC" semiclassical "$run" --out "$dir" --threads "$THREADS" --quiet "$@"
}

validity() { # RUNFILE OUTDIR [qsync options...]
  local run=$1 dir=$2
  shift 2
  have "$dir" && return 0
  "$QSYNC" validity "$run" --out "$dir" --threads "$THREADS" --quiet "$@"
}

mesolve() { # RUNFILE OUTDIR [qsync options...]
  local run=$1 dir=$2
  shift 2
  have "$dir" && return 0
  "$QSYNC" mesolve "$run" --out "$dir" --threads "$THREADS" --quiet "$@"
}

# Fig. 1 bottom, Fig. 2 RWA curve and Fig. 6 check (same parameters)
fig01_rwa() { steady runs/cav_fig01_rwa.ini out/cav_fig01/rwa; }

fig01() {
  fig01_rwa
  mesolve runs/cav_fig01_lab.ini out/cav_fig01/lab
  plot 01
}

fig02() {
  fig01_rwa
  local w0
  for w0 in 10 30 100; do
    # average over the last ~5/lambda: 0.8 omega0 drive periods
    mesolve runs/cav_fig02_lab.ini out/cav_fig02/lab_w$w0 --set model.omega0=$w0 \
      --set mesolve.avg_periods=$((w0 * 8 / 10))
  done
  plot 02
}

fig05() {
  steady runs/cav_fig05.ini out/cav_fig05/rwa
  semiclassical runs/cav_fig05.ini out/cav_fig05/sc --set model.displace=off \
    --set semiclassical.gap=false
  plot 05
}

# Figs. 3, 4: the series (R) and (R)* in the undisplaced basis of the run file
fig03() {
  fig06_rwa
  steady runs/cav_fig03.ini out/cav_fig03/R --set steady.method=rate_series
  steady runs/cav_fig03.ini out/cav_fig03/Rstar --set steady.method=rate_series_star
  plot 03
}

fig04() {
  steady runs/cav_fig04.ini out/cav_fig04/exact
  steady runs/cav_fig04.ini out/cav_fig04/R --set steady.method=rate_series
  steady runs/cav_fig04.ini out/cav_fig04/Rstar --set steady.method=rate_series_star
  plot 04
}

# Fig. 6 (and Fig. 3's exact curve): exact RWA and the semiclassical minimum
# of every point (qsync validity without the series and the gap)
fig06_rwa() {
  validity runs/cav_fig06.ini out/cav_fig06/rwa --set validity.series=false \
    --set validity.gap=false
}

fig06() {
  fig06_rwa
  validity runs/cav_fig06_strong.ini out/cav_fig06/strong --set validity.series=false \
    --set validity.gap=false
  plot 06
}

fig07() {
  steady runs/cav_fig07.ini out/cav_fig07/anti
  steady runs/cav_fig07.ini out/cav_fig07/generic --set model.delta="2, 3"
  # the caption's F = 1.5 does not give the described dip (see
  # CAVITY_FIGURES.md); the same curves at Fig. 8's drive F = 0.25 do
  steady runs/cav_fig07.ini out/cav_fig07/anti_F025 --set model.F=0.25 --set model.ncav=20
  steady runs/cav_fig07.ini out/cav_fig07/generic_F025 --set model.F=0.25 \
    --set model.ncav=20 --set model.delta="2, 3"
  plot 07
}

fig08_rwa() { steady runs/cav_fig08_rwa.ini out/cav_fig08/rwa; }

fig08() {
  fig08_rwa
  mesolve runs/cav_fig08_lab.ini out/cav_fig08/lab_w20 --set model.omega0=20 \
    --set mesolve.avg_periods=16
  # finer points around the shifted minimum at omega0 = 20
  mesolve runs/cav_fig08_lab.ini out/cav_fig08/lab_w20_fine --set model.omega0=20 \
    --set mesolve.avg_periods=16 --set sweep.from=0.075 --set sweep.to=0.175 \
    --set sweep.points=5
  mesolve runs/cav_fig08_lab.ini out/cav_fig08/lab_w60 --set model.omega0=60 \
    --set mesolve.avg_periods=48 --set sweep.from=-0.15 --set sweep.to=0.15 \
    --set sweep.points=7
  plot 08
}

fig09() {
  fig08_rwa # Fig. 9 is the RWA run of Fig. 8
  plot 09
}

fig10() {
  fig08_rwa # the exact curves are Fig. 8's RWA run
  steady runs/cav_fig10.ini out/cav_fig10/Rstar
  semiclassical runs/cav_fig10.ini out/cav_fig10/sc --set semiclassical.gap=false
  plot 10
}

fig11_data() {
  local dl=(1 1.5 2 2.5) nc=(40 30 20 12) n delta
  for n in 1 2 3 4; do
    delta=$(IFS=,; echo "${dl[*]:0:n}")
    steady runs/cav_fig11.ini out/cav_fig11/q$n --set model.nqubits=$n \
      --set model.delta="$delta" --set model.ncav=${nc[n-1]}
    # semiclassical minima and eps (Fig. A5; eps / gamma, no gap: ARPACK on
    # the N = 4 model costs more than the minimisation); 16 starts instead of
    # 64 (4 spins: ~9 s per point with 64)
    semiclassical runs/cav_fig11.ini out/cav_fig11/sc$n --set model.nqubits=$n \
      --set model.delta="$delta" --set model.displace=off --set semiclassical.gap=false \
      --set semiclassical.starts=16
  done
}

fig11() {
  fig11_data
  plot 11
}

fig12() {
  fig11_data
  # (R)* undisplaced; N = 4 on 31 points (1.6 s per point)
  local dl=(1 1.5 2 2.5) nc=(30 24 18 14) pts=(61 61 61 31) n delta
  for n in 1 2 3 4; do
    delta=$(IFS=,; echo "${dl[*]:0:n}")
    steady runs/cav_fig12.ini out/cav_fig12/q$n --set model.nqubits=$n \
      --set model.delta="$delta" --set model.ncav=${nc[n-1]} --set sweep.points=${pts[n-1]}
  done
  plot 12
}

figA5() {
  fig11_data # eps = sqrt(S) of the semiclassical runs of Fig. 11
  plot A5
}

figA1() {
  mesolve runs/cav_figA1.ini out/cav_figA1/rwa
  validity runs/cav_figA1.ini out/cav_figA1/gap --set validity.semiclassical=false \
    --set validity.series=false
  # 1/gap over domega (ARPACK, ~5 s per point)
  validity runs/cav_figA1.ini out/cav_figA1/gap_scan --set validity.semiclassical=false \
    --set validity.series=false --set sweep.values=none --set sweep.from=-1 --set sweep.to=1 \
    --set sweep.points=21
  plot A1
}

figA2() {
  steady runs/cav_figA2.ini out/cav_figA2/rwa
  plot A2
}

figA3() {
  mesolve runs/cav_figA3.ini out/cav_figA3/lab
  steady runs/cav_figA3.ini out/cav_figA3/rwa --set model.frame=rwa
  plot A3
}

figA4() {
  local dl=(20 30 25 35) n delta
  for n in 1 2 3 4; do
    delta=$(IFS=,; echo "${dl[*]:0:n}")
    validity runs/cav_figA4.ini out/cav_figA4/q$n --set model.nqubits=$n --set model.delta="$delta"
  done
  plot A4
}

run_figures cav_fig "1 2 3 4 5 6 7 8 9 10 11 12 A1 A2 A3 A4 A5" "$@"
