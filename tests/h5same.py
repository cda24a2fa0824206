#!/usr/bin/python3
"""Exit 0 when two run.h5 files hold the same datasets (dtype, shape, bits)
and attributes, except the attribute qsync_version (as tests/regress.sh);
else print what differs and exit 1.  Usage: h5same.py A.h5 B.h5 [COLUMN...]:
the named columns of the tables (a wall-clock "seconds") are left out."""
import sys

import h5py
import numpy as np


def walk(path):
    out = {}
    with h5py.File(path, "r") as h:
        def attrs(name, obj):
            for k, v in obj.attrs.items():
                if k != "qsync_version":
                    out[name + "@" + k] = (str(v) if isinstance(v, (str, bytes))
                                           else np.asarray(v).tobytes())

        attrs("/", h)

        def visit(name, obj):
            attrs(name, obj)
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                cols = obj.attrs.get("columns")
                if skip and cols is not None and data.ndim == 2:
                    names = (cols.decode() if isinstance(cols, bytes) else str(cols)).split(",")
                    keep = [i for i, c in enumerate(names) if c not in skip]
                    data = np.ascontiguousarray(data[:, keep])
                out[name] = (obj.dtype.str, obj.shape, data.tobytes())
        h.visititems(visit)
    return out


skip = set(sys.argv[3:])
a, b = walk(sys.argv[1]), walk(sys.argv[2])
diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
if diff:
    print("h5same: %s and %s differ in %d items: %s" % (sys.argv[1], sys.argv[2], len(diff),
                                                        ", ".join(diff[:6])))
    sys.exit(1)
