/* Density-matrix metrics; see include/qsync/metrics.h. */
#include "qsync/metrics.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest dimension whose dim * dim element count fits LAPACK's int. */
#define MAX_DENSE_DIM 46340

static const double pi = 3.14159265358979323846;

/* Hermitian part (A + A^dag)/2 of the n x n matrix a written to h (h may
 * be a), then LAPACK zheev: eigenvalues ascending into w and, for
 * jobz = 'V', orthonormal eigenvectors in the columns of h. */
static qs_status hermitian_eig(qs_index n, const double complex *a, char jobz,
                               double complex *h, double *w)
{
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i <= j; i++) {
      double complex x = 0.5 * (a[i + j * n] + conj(a[j + i * n]));
      h[i + j * n] = x;
      h[j + i * n] = conj(x);
    }
  lapack_int info = LAPACKE_zheev(LAPACK_COL_MAJOR, jobz, 'U', (lapack_int)n, h,
                                  (lapack_int)n, w);
  return info == 0 ? QS_OK : QS_ERR_LAPACK;
}

qs_status qs_hermitian_eigenvalues(qs_index dim, const double complex *a,
                                   double *eigenvalues)
{
  if (dim < 1 || dim > MAX_DENSE_DIM || !a || !eigenvalues)
    return QS_ERR_INVALID;
  double complex *h = malloc((size_t)(dim * dim) * sizeof *h);
  if (!h)
    return QS_ERR_NOMEM;
  qs_status st = hermitian_eig(dim, a, 'N', h, eigenvalues);
  free(h);
  return st;
}

qs_status qs_trace_distance(qs_index dim, const double complex *a,
                            const double complex *b, double *distance)
{
  if (dim < 1 || !a || !b || !distance)
    return QS_ERR_INVALID;
  double complex *d = malloc((size_t)(dim * dim) * sizeof *d);
  double *ev = malloc((size_t)dim * sizeof *ev);
  qs_status st = QS_ERR_NOMEM;
  if (d && ev) {
    for (qs_index i = 0; i < dim * dim; i++)
      d[i] = a[i] - b[i];
    st = qs_hermitian_eigenvalues(dim, d, ev);
    if (st == QS_OK) {
      double sum = 0.0;
      for (qs_index i = 0; i < dim; i++)
        sum += fabs(ev[i]);
      *distance = 0.5 * sum;
    }
  }
  free(d);
  free(ev);
  return st;
}

double qs_hermiticity_error(qs_index dim, const double complex *a)
{
  double worst = 0.0;
  for (qs_index j = 0; j < dim; j++)
    for (qs_index i = 0; i < dim; i++)
      worst = fmax(worst, cabs(a[i + j * dim] - conj(a[j + i * dim])));
  return worst;
}

double complex qs_trace(qs_index dim, const double complex *a)
{
  double complex s = 0.0;
  for (qs_index i = 0; i < dim; i++)
    s += a[i + i * dim];
  return s;
}

/* ---- Subsystems and entropy ------------------------------------------- */

/* Shannon entropy -sum p ln p of n weights; p <= 0 contributes 0. */
static double shannon_entropy(qs_index n, const double *p)
{
  double s = 0.0;
  for (qs_index i = 0; i < n; i++)
    if (p[i] > 0.0)
      s -= p[i] * log(p[i]);
  return s;
}

/* Offsets into the full basis index of the count states of the subsystems
 * selected by mask, enumerated with the last selected subsystem fastest:
 * the full index is the sum of the kept and traced offsets. */
static void subsystem_offsets(int n_sub, const qs_index *dims,
                              const qs_index *stride, unsigned mask,
                              qs_index count, qs_index *offset)
{
  for (qs_index r = 0; r < count; r++) {
    qs_index rem = r, off = 0;
    for (int j = n_sub - 1; j >= 0; j--)
      if (mask >> j & 1u) {
        off += (rem % dims[j]) * stride[j];
        rem /= dims[j];
      }
    offset[r] = off;
  }
}

qs_status qs_partial_trace(int n_sub, const qs_index *dims, unsigned keep_mask,
                           const double complex *rho, double complex *out)
{
  if (!dims || !rho || !out || n_sub < 1 || n_sub > QS_MAX_SUBSYSTEMS ||
      (keep_mask >> n_sub) != 0)
    return QS_ERR_INVALID;
  qs_index stride[QS_MAX_SUBSYSTEMS], total = 1, kept = 1;
  for (int j = n_sub - 1; j >= 0; j--) {
    if (dims[j] < 1)
      return QS_ERR_INVALID;
    stride[j] = total;
    total *= dims[j];
    if (keep_mask >> j & 1u)
      kept *= dims[j];
  }
  qs_index traced = total / kept;
  qs_index *koff = malloc((size_t)kept * sizeof *koff);
  qs_index *toff = malloc((size_t)traced * sizeof *toff);
  if (!koff || !toff) {
    free(koff);
    free(toff);
    return QS_ERR_NOMEM;
  }
  unsigned all = (1u << n_sub) - 1u;
  subsystem_offsets(n_sub, dims, stride, keep_mask, kept, koff);
  subsystem_offsets(n_sub, dims, stride, all & ~keep_mask, traced, toff);
  for (qs_index b = 0; b < kept; b++)
    for (qs_index a = 0; a < kept; a++) {
      double complex s = 0.0;
      for (qs_index t = 0; t < traced; t++)
        s += rho[(koff[a] + toff[t]) + (koff[b] + toff[t]) * total];
      out[a + b * kept] = s;
    }
  free(koff);
  free(toff);
  return QS_OK;
}

qs_status qs_von_neumann_entropy(qs_index dim, const double complex *rho,
                                 double *entropy)
{
  if (dim < 1 || !rho || !entropy)
    return QS_ERR_INVALID;
  double *ev = malloc((size_t)dim * sizeof *ev);
  if (!ev)
    return QS_ERR_NOMEM;
  qs_status st = qs_hermitian_eigenvalues(dim, rho, ev);
  if (st == QS_OK)
    *entropy = shannon_entropy(dim, ev);
  free(ev);
  return st;
}

/* ---- Spin phase space ------------------------------------------------- */

/* Number of spherical-tensor components (2S+1)^2 at the largest spin. */
#define MAX_TENSORS ((QS_SPIN_TENSOR_MAX_TWO_S + 1) * (QS_SPIN_TENSOR_MAX_TWO_S + 1))

static int valid_spin(int two_s)
{
  return two_s >= 1 && two_s <= QS_SPIN_TENSOR_MAX_TWO_S;
}

/* amp[i] = <S, m = S - i | theta, phi> (closed form in metrics.h). */
static void coherent_state(int two_s, double theta, double phi,
                           double complex *amp)
{
  double c = cos(0.5 * theta), s = sin(0.5 * theta), binomial = 1.0;
  for (int i = 0; i <= two_s; i++) {
    double m = 0.5 * two_s - i;
    amp[i] = sqrt(binomial) * pow(c, two_s - i) * pow(s, i) * cexp(-I * m * phi);
    binomial = binomial * (two_s - i) / (i + 1); /* C(2S, i+1) */
  }
}

qs_status qs_spin_husimi_q(int two_s, const double complex *rho, double theta,
                           double phi, double *q)
{
  if (!valid_spin(two_s) || !rho || !q)
    return QS_ERR_INVALID;
  double complex amp[QS_SPIN_TENSOR_MAX_TWO_S + 1];
  coherent_state(two_s, theta, phi, amp);
  int n = two_s + 1;
  double complex sum = 0.0;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      sum += conj(amp[i]) * rho[i + j * n] * amp[j];
  *q = creal(sum);
  return QS_OK;
}

qs_status qs_spin_tensor_expectations(int two_s, const double complex *rho,
                                      double complex *tensor_expect)
{
  if (!valid_spin(two_s) || !rho || !tensor_expect)
    return QS_ERR_INVALID;
  for (int k = 0; k <= two_s; k++)
    for (int q = -k; q <= k; q++) {
      qs_op *t = NULL;
      qs_status st = qs_op_spin_tensor(two_s, k, q, &t);
      if (st != QS_OK)
        return st;
      tensor_expect[k * k + k + q] = qs_op_trace_with(t, rho);
      qs_op_destroy(&t);
    }
  return QS_OK;
}

/* out[k*k + k + q] = sqrt((k-q)!/(k+q)!) P_k^q(cos theta), Condon-Shortley
 * phase, k = 0..kmax, q = -k..k.  The factor (1 - x^2)^{q/2} is taken as
 * sin(theta)^q with its sign, which continues the Wigner function
 * d^k_{q0}(theta) to theta outside [0, pi]. */
static void legendre_normalized(int kmax, double theta, double *out)
{
  double x = cos(theta), s = sin(theta), diagonal = 1.0; /* P_q^q */
  for (int q = 0; q <= kmax; q++) {
    if (q > 0)
      diagonal *= -(2.0 * q - 1.0) * s;
    double prev = 0.0, cur = diagonal; /* P_{l-1}^q, P_l^q at l = q */
    for (int l = q; l <= kmax; l++) {
      if (l > q) {
        double next = (x * (2.0 * l - 1.0) * cur - (l + q - 1.0) * prev) / (l - q);
        prev = cur;
        cur = next;
      }
      double ratio = 1.0; /* (l-q)!/(l+q)! */
      for (int j = l - q + 1; j <= l + q; j++)
        ratio /= j;
      double value = sqrt(ratio) * cur;
      out[l * l + l + q] = value;
      out[l * l + l - q] = (q % 2 ? -1.0 : 1.0) * value; /* P_l^{-q} */
    }
  }
}

/* t_k = <S S; S -S | k 0> = (2S)! sqrt(2k+1) / sqrt((2S-k)! (2S+k+1)!),
 * evaluated as products of ratios to stay in range. */
static double top_coefficient(int two_s, int k)
{
  double r = 2.0 * k + 1.0;
  for (int j = two_s - k + 1; j <= two_s; j++)
    r *= j; /* (2S)!/(2S-k)! */
  for (int j = two_s + 1; j <= two_s + k + 1; j++)
    r /= j; /* (2S)!/(2S+k+1)! */
  return sqrt(r);
}

/* Re sum_{k,q} conj<T^k_q> t_k weight[k*k+k+q] e^{i q phi}: Q when weight
 * holds the normalized Legendre functions, P(phi) up to (2S+1)/(4 pi)
 * when it holds their theta integrals. */
static double tensor_sum(int two_s, const double complex *tensor_expect,
                         const double *weight, double phi)
{
  double complex sum = 0.0;
  for (int k = 0; k <= two_s; k++) {
    double tk = top_coefficient(two_s, k);
    for (int q = -k; q <= k; q++) {
      int idx = k * k + k + q;
      sum += conj(tensor_expect[idx]) * tk * weight[idx] * cexp(I * q * phi);
    }
  }
  return creal(sum);
}

qs_status qs_spin_husimi_q_tensor(int two_s, const double complex *tensor_expect,
                                  double theta, double phi, double *q)
{
  if (!valid_spin(two_s) || !tensor_expect || !q)
    return QS_ERR_INVALID;
  double leg[MAX_TENSORS];
  legendre_normalized(two_s, theta, leg);
  *q = tensor_sum(two_s, tensor_expect, leg, phi);
  return QS_OK;
}

/* Gauss-Legendre nodes x and weights w of n points on [-1, 1]: Newton's
 * method on P_n from the Tricomi estimate of each root. */
static void gauss_legendre(int n, double *x, double *w)
{
  for (int i = 0; i < (n + 1) / 2; i++) {
    double z = cos(pi * (i + 0.75) / (n + 0.5)), p = 1.0, dp = 0.0;
    for (int iter = 0; iter < 100; iter++) {
      double p_prev = 0.0;
      p = 1.0;
      for (int j = 1; j <= n; j++) { /* Bonnet recursion up to P_n(z) */
        double p_older = p_prev;
        p_prev = p;
        p = ((2.0 * j - 1.0) * z * p_prev - (j - 1.0) * p_older) / j;
      }
      dp = n * (z * p - p_prev) / (z * z - 1.0);
      double step = p / dp;
      z -= step;
      if (fabs(step) < 1e-16)
        break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2.0 / ((1.0 - z * z) * dp * dp);
  }
}

qs_status qs_spin_phase_distribution(int two_s, const double complex *rho,
                                     double phi, double *delta_p)
{
  if (!valid_spin(two_s) || !rho || !delta_p)
    return QS_ERR_INVALID;
  double complex expect[MAX_TENSORS];
  qs_status st = qs_spin_tensor_expectations(two_s, rho, expect);
  if (st != QS_OK)
    return st;
  /* integral[k*k+k+q] = int_0^pi sqrt((k-q)!/(k+q)!) P_k^q(cos th) sin th dth */
  enum { NQ = QS_PHASE_QUADRATURE_POINTS };
  double x[NQ], w[NQ], leg[MAX_TENSORS], integral[MAX_TENSORS] = {0};
  gauss_legendre(NQ, x, w);
  int nt = (two_s + 1) * (two_s + 1);
  for (int n = 0; n < NQ; n++) {
    double theta = 0.5 * pi * (x[n] + 1.0), weight = 0.5 * pi * w[n] * sin(theta);
    legendre_normalized(two_s, theta, leg);
    for (int idx = 0; idx < nt; idx++)
      integral[idx] += weight * leg[idx];
  }
  double p = (two_s + 1.0) / (4.0 * pi) * tensor_sum(two_s, expect, integral, phi);
  *delta_p = p - 1.0 / (2.0 * pi);
  return QS_OK;
}

/* ---- Synchronization measures ----------------------------------------- */

static int same_block(const int *charge, qs_index i, qs_index j)
{
  return !charge || charge[i] == charge[j];
}

/* Is state i the lowest-index state of its charge block? */
static int block_leader(const int *charge, qs_index i)
{
  for (qs_index j = 0; j < i; j++)
    if (same_block(charge, i, j))
      return 0;
  return 1;
}

/* Indices (ascending) of the states in the block of `leader`; returns the
 * block size m, and sub = a restricted to those rows and columns (m x m). */
static qs_index gather_block(qs_index dim, const int *charge, qs_index leader,
                             const double complex *a, qs_index *idx,
                             double complex *sub)
{
  qs_index m = 0;
  for (qs_index i = leader; i < dim; i++)
    if (same_block(charge, i, leader))
      idx[m++] = i;
  for (qs_index b = 0; b < m; b++)
    for (qs_index c = 0; c < m; c++)
      sub[c + b * m] = a[idx[c] + idx[b] * dim];
  return m;
}

/* c (m x n) = op(a) b, op(a) = a (m x k) or a^dag (a is k x m); b is k x n;
 * all column-major with leading dimensions lda, ldb and m. */
static void matmul(int adjoint_a, qs_index m, qs_index n, qs_index k,
                   const double complex *a, qs_index lda,
                   const double complex *b, qs_index ldb, double complex *c)
{
  const double complex one = 1.0, zero = 0.0;
  cblas_zgemm(CblasColMajor, adjoint_a ? CblasConjTrans : CblasNoTrans,
              CblasNoTrans, (int)m, (int)n, (int)k, &one, a, (int)lda, b,
              (int)ldb, &zero, c, (int)m);
}

/* Work arrays of one charge block, each sized for the whole space. */
typedef struct {
  qs_index *idx;                /* dim: block member indices */
  double *lambda, *p;           /* dim: eigenvalues; <v_j|rho|v_j> */
  double complex *u, *r, *c, *t; /* dim^2: eigenvectors, rho block, scratch */
} block_work;

static void block_work_free(block_work *w)
{
  free(w->idx);
  free(w->lambda);
  free(w->p);
  free(w->u);
  free(w->r);
  free(w->c);
  free(w->t);
  memset(w, 0, sizeof *w);
}

static qs_status block_work_alloc(qs_index dim, block_work *w)
{
  size_t n = (size_t)dim, n2 = (size_t)(dim * dim);
  w->idx = malloc(n * sizeof *w->idx);
  w->lambda = malloc(n * sizeof *w->lambda);
  w->p = malloc(n * sizeof *w->p);
  w->u = malloc(n2 * sizeof *w->u);
  w->r = malloc(n2 * sizeof *w->r);
  w->c = malloc(n2 * sizeof *w->c);
  w->t = malloc(n2 * sizeof *w->t);
  if (w->idx && w->lambda && w->p && w->u && w->r && w->c && w->t)
    return QS_OK;
  block_work_free(w);
  return QS_ERR_NOMEM;
}

/* Rotate the nc columns uc (m rows) of a degenerate eigenvalue cluster so
 * that they diagonalize the compression uc^dag r uc (header, step 2).
 * w->p receives the cluster's eigenvalues as scratch: the weights are
 * computed only after every cluster is done. */
static qs_status diagonalize_compression(qs_index m, qs_index nc,
                                         double complex *uc, block_work *w)
{
  matmul(0, m, nc, m, w->r, m, uc, m, w->t);   /* t = r uc */
  matmul(1, nc, nc, m, uc, m, w->t, m, w->c);  /* c = uc^dag r uc */
  qs_status st = hermitian_eig(nc, w->c, 'V', w->c, w->p);
  if (st != QS_OK)
    return st;
  matmul(0, m, nc, nc, uc, m, w->c, nc, w->t); /* t = uc W */
  memcpy(uc, w->t, (size_t)(m * nc) * sizeof *uc);
  return QS_OK;
}

/* Basis of one charge block of size m (rho_u block already in w->u, rho
 * block in w->r): eigenvectors of rho_u, degenerate clusters rotated; then
 * w->p[j] = <v_j|rho|v_j>. */
static qs_status block_diagonal_weights(qs_index m, block_work *w)
{
  qs_status st = hermitian_eig(m, w->u, 'V', w->u, w->lambda);
  for (qs_index start = 0, end; st == QS_OK && start < m; start = end) {
    for (end = start + 1; end < m; end++)
      if (w->lambda[end] - w->lambda[end - 1] >
          QS_SYNC_DEGENERACY_TOL * fmax(1.0, fabs(w->lambda[end - 1])))
        break;
    if (end - start > 1)
      st = diagonalize_compression(m, end - start, w->u + start * m, w);
  }
  if (st != QS_OK)
    return st;
  matmul(0, m, m, m, w->r, m, w->u, m, w->t); /* t = r u */
  for (qs_index j = 0; j < m; j++) {
    double complex s = 0.0;
    for (qs_index i = 0; i < m; i++)
      s += conj(w->u[i + j * m]) * w->t[i + j * m];
    w->p[j] = creal(s);
  }
  return QS_OK;
}

/* Omega from S(limit state) and rho: rounding below zero is set to zero. */
static qs_status finish_measure(qs_index dim, const double complex *rho,
                                double s_limit, double *omega)
{
  double s_rho = 0.0;
  qs_status st = qs_von_neumann_entropy(dim, rho, &s_rho);
  if (st != QS_OK)
    return st;
  double value = s_limit - s_rho;
  *omega = (value < 0.0 && value > -1e-14) ? 0.0 : value;
  return QS_OK;
}

static int valid_sync_args(qs_index dim, const double complex *rho,
                           const double *omega)
{
  return dim >= 1 && dim <= MAX_DENSE_DIM && rho && omega;
}

qs_status qs_sync_measure(qs_index dim, const int *charge,
                          const double complex *rho,
                          const double complex *rho_u, double *omega)
{
  if (!valid_sync_args(dim, rho, omega) || !rho_u)
    return QS_ERR_INVALID;
  for (qs_index j = 0; j < dim; j++)
    for (qs_index i = 0; i < dim; i++)
      if (!same_block(charge, i, j) && cabs(rho_u[i + j * dim]) > QS_SYNC_SYMMETRY_TOL)
        return QS_ERR_INVALID;
  block_work w;
  qs_status st = block_work_alloc(dim, &w);
  double s_diag = 0.0;
  for (qs_index leader = 0; st == QS_OK && leader < dim; leader++) {
    if (!block_leader(charge, leader))
      continue;
    qs_index m = gather_block(dim, charge, leader, rho_u, w.idx, w.u);
    gather_block(dim, charge, leader, rho, w.idx, w.r);
    st = block_diagonal_weights(m, &w);
    if (st == QS_OK)
      s_diag += shannon_entropy(m, w.p);
  }
  block_work_free(&w);
  return st == QS_OK ? finish_measure(dim, rho, s_diag, omega) : st;
}

qs_status qs_sync_measure_blocks(qs_index dim, const int *charge,
                                 const double complex *rho, double *omega)
{
  if (!valid_sync_args(dim, rho, omega))
    return QS_ERR_INVALID;
  double complex *pinched = malloc((size_t)(dim * dim) * sizeof *pinched);
  if (!pinched)
    return QS_ERR_NOMEM;
  for (qs_index j = 0; j < dim; j++)
    for (qs_index i = 0; i < dim; i++)
      pinched[i + j * dim] = same_block(charge, i, j) ? rho[i + j * dim] : 0.0;
  double s_pinched = 0.0;
  qs_status st = qs_von_neumann_entropy(dim, pinched, &s_pinched);
  free(pinched);
  return st == QS_OK ? finish_measure(dim, rho, s_pinched, omega) : st;
}

/* ---- Two-qubit entanglement and Bell nonlocality ----------------------- */

qs_status qs_negativity(qs_index dim_a, qs_index dim_b,
                        const double complex *rho, double *negativity)
{
  if (dim_a < 1 || dim_b < 1 || dim_a > MAX_DENSE_DIM / dim_b || !rho ||
      !negativity)
    return QS_ERR_INVALID;
  qs_index n = dim_a * dim_b;
  double complex *pt = calloc((size_t)(n * n), sizeof *pt);
  double *ev = malloc((size_t)n * sizeof *ev);
  qs_status st = QS_ERR_NOMEM;
  if (pt && ev) {
    /* pt_{(i1 i2),(j1 j2)} = rho_{(i1 j2),(j1 i2)}: swap the B indices. */
    for (qs_index j = 0; j < n; j++)
      for (qs_index i = 0; i < n; i++) {
        qs_index i1 = i / dim_b, i2 = i % dim_b, j1 = j / dim_b, j2 = j % dim_b;
        pt[i + j * n] = rho[(i1 * dim_b + j2) + (j1 * dim_b + i2) * n];
      }
    st = hermitian_eig(n, pt, 'N', pt, ev);
  }
  if (st == QS_OK) {
    double sum = 0.0;
    for (qs_index i = 0; i < n && ev[i] < 0.0; i++) /* ascending */
      sum -= ev[i];
    *negativity = sum;
  }
  free(pt);
  free(ev);
  return st;
}

/* Pauli matrices x, y, z in the basis (up, down), column-major 2 x 2. */
static const double complex pauli[3][4] = {
  {0, 1, 1, 0}, {0, I, -I, 0}, {1, 0, 0, -1}};

/* t[i + 3j] = Re Tr(rho4 sigma_i (x) sigma_j) = Re sum_{r,c} rho_{c r}
 * (sigma_i (x) sigma_j)_{r c}; the real part is the Hermitian part's. */
static void correlation_matrix(const double complex *rho4, double *t)
{
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 3; i++) {
      double complex s = 0.0;
      for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) {
          double complex op = pauli[i][r / 2 + (c / 2) * 2] *
                              pauli[j][r % 2 + (c % 2) * 2];
          s += rho4[c + r * 4] * op;
        }
      t[i + 3 * j] = creal(s);
    }
}

/* x^T T y for the 3 x 3 column-major t. */
static double bilinear(const double *x, const double *t, const double *y)
{
  double s = 0.0;
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 3; i++)
      s += x[i] * t[i + 3 * j] * y[j];
  return s;
}

static int is_unit(const double *v)
{
  return v && fabs(sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) - 1.0) <=
                  QS_CHSH_UNIT_TOL;
}

qs_status qs_chsh_value(const double complex *rho4, const double a[3],
                        const double a2[3], const double b[3],
                        const double b2[3], double *value)
{
  if (!rho4 || !value || !is_unit(a) || !is_unit(a2) || !is_unit(b) ||
      !is_unit(b2))
    return QS_ERR_INVALID;
  double t[9], sum[3], diff[3];
  correlation_matrix(rho4, t);
  for (int k = 0; k < 3; k++) {
    sum[k] = b[k] + b2[k];
    diff[k] = b[k] - b2[k];
  }
  *value = bilinear(a, t, sum) + bilinear(a2, t, diff);
  return QS_OK;
}

/* out = T e normalized; z if T e = 0 (its CHSH term is then zero anyway). */
static void normalized_image(const double *t, const double *e, double *out)
{
  double norm2 = 0.0;
  for (int i = 0; i < 3; i++) {
    out[i] = t[i] * e[0] + t[i + 3] * e[1] + t[i + 6] * e[2];
    norm2 += out[i] * out[i];
  }
  double norm = sqrt(norm2);
  for (int i = 0; i < 3; i++)
    out[i] = norm > 0.0 ? out[i] / norm : (i == 2);
}

qs_status qs_chsh_optimal_settings(const double complex *rho4, double a[3],
                                   double a2[3], double b[3], double b2[3],
                                   double *chsh)
{
  if (!rho4 || !a || !a2 || !b || !b2 || !chsh)
    return QS_ERR_INVALID;
  double t[9], m[9], u[3];
  correlation_matrix(rho4, t);
  for (int j = 0; j < 3; j++) /* m = T^T T */
    for (int i = 0; i < 3; i++)
      m[i + 3 * j] = t[3 * i] * t[3 * j] + t[3 * i + 1] * t[3 * j + 1] +
                     t[3 * i + 2] * t[3 * j + 2];
  if (LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', 3, m, 3, u) != 0)
    return QS_ERR_LAPACK;
  /* Ascending: top eigenvector e1 in column 2, e2 in column 1.  M is
   * positive semidefinite; rounding below zero is clipped. */
  const double *e1 = m + 6, *e2 = m + 3;
  double u1 = fmax(u[2], 0.0), u2 = fmax(u[1], 0.0);
  double angle = atan2(sqrt(u2), sqrt(u1)), c = cos(angle), s = sin(angle);
  for (int k = 0; k < 3; k++) {
    b[k] = c * e1[k] + s * e2[k];
    b2[k] = c * e1[k] - s * e2[k];
  }
  normalized_image(t, e1, a);
  normalized_image(t, e2, a2);
  *chsh = 2.0 * sqrt(u1 + u2);
  return QS_OK;
}

qs_status qs_chsh_max(const double complex *rho4, double *chsh)
{
  double a[3], a2[3], b[3], b2[3];
  return qs_chsh_optimal_settings(rho4, a, a2, b, b2, chsh);
}
