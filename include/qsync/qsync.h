/* qsync — quantum-trajectory simulation of driven dissipative quantum
 * synchronization models.  Including this header includes every module. */
#ifndef QSYNC_QSYNC_H
#define QSYNC_QSYNC_H

#include "qsync/error.h"
#include "qsync/rng.h"
#include "qsync/farm.h"
#include "qsync/op.h"
#include "qsync/model.h"
#include "qsync/traj.h"
#include "qsync/ensemble.h"
#include "qsync/checkpoint.h"
#include "qsync/dist.h"
#include "qsync/lindblad.h"
#include "qsync/gap.h"
#include "qsync/mesolve.h"
#include "qsync/periodic.h"
#include "qsync/metrics.h"
#include "qsync/sweep.h"
#include "qsync/truncation.h"
#include "qsync/steady_chain.h"
#include "qsync/mesolve_points.h"
#include "qsync/sync.h"
#include "qsync/scan.h"
#include "qsync/weakdrive.h"
#include "qsync/transmon.h"
#include "qsync/rates.h"
#include "qsync/qubit_map.h"
#include "qsync/runfile.h"
#include "qsync/output.h"
#include "qsync/outdir.h"
#include "qsync/resources.h"
#include "qsync/rateeq.h"
#include "qsync/validity.h"
#include "qsync/semiclassical.h"

#endif
