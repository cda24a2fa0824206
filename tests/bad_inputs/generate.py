#!/usr/bin/env python3
"""Generate the key-range cases of the bad-input corpus (tests/bad_inputs/key_*.case)
from the key reference docs/runfile.md (itself generated from src/runfile.c's key
table and the models' parameter tables, so the ranges here follow the code).

For every key: values just outside its range (below and above), a value that does
not parse, and one numeric edge case (nan, inf, -inf, 1e400, hex, trailing
garbage, empty) taken in turn; every third case goes through --set instead of the
file.  Each case must be refused at load with exit status 2 and a message naming
"[section] key =".  Run from the repository root:

    python3 tests/bad_inputs/generate.py          # rewrites tests/bad_inputs/key_*.case
    python3 tests/bad_inputs/generate.py --check  # exit 1 when they are stale
"""
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Commands that read each section (a load error comes before any work, so the
# command only spreads the cases over every entry point).
SECTION_COMMANDS = {
    "run": ["run", "compare"],
    "steady": ["steady"],
    "mesolve": ["mesolve"],
    "rates": ["rates"],
    "checks": ["steady", "mesolve"],
    "compare": ["compare"],
    "sweep": ["steady", "mesolve", "run"],
    "scan": ["scan"],
    "gap": ["gap"],
    "validity": ["validity"],
    "semiclassical": ["semiclassical"],
    "spectrum": ["spectrum"],
    "jumps": ["jumps"],
}
MODEL_COMMANDS = {
    "qubit_osc": ["run", "steady", "mesolve", "compare", "scan"],
    "cavity_qubits": ["run", "steady", "mesolve", "compare"],
    "transmon": ["rates", "compare-model", "steady", "mesolve", "run"],
}
# Keys stored as integers (KEY_INT in src/runfile.c, integer model parameters).
INTEGER_KEYS = {"ntraj", "threads", "n_times", "max_steps", "max_iter", "restart",
                "max_order", "avg_samples", "points", "points2", "restore_points",
                "nqubits", "ncav", "levels_q", "levels_r"}
# Numeric edge cases, one per key in turn (the out-of-range and garbage
# values come on top of it).
EDGES = ["nan", "inf", "-inf", "1e400", "-1e400", "0x1p99", "1.0x", "", "1e", "--1",
         "1 2", "NaN", "+inf", "1,5"]


def parse_tables(text):
    """Yield (section, model, key, unit, range) for every table row."""
    section = model = None
    for line in text.splitlines():
        m = re.match(r"^## \[(\w+)\](?: name = (\w+))?", line)
        if m:
            section, model = m.group(1), m.group(2)
            continue
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.replace("\\|", "\x00").split("|")[1:-1]]
        key = cells[0].strip("`")
        unit = cells[1]
        rng = cells[3].replace("\x00", "|").replace("&lt;", "<")
        yield section, model, key, unit, rng


def number(s):
    if s == "2^64-1":
        return 2.0**64 - 1
    return float(s)


def fmt(v):
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return "%g" % v


def bad_values(key, unit, rng):
    """Out-of-range and unparsable values of a key, from its range text."""
    m = re.match(r"^(-?[\d.e+-]+|2\^64-1) \.\. (-?[\d.e+-]+|2\^64-1|t_end)$", rng)
    integer = key in INTEGER_KEYS
    vals = []
    if m:
        lo = number(m.group(1))
        vals.append(fmt(lo - 1) if integer or lo == 0 else fmt(lo / 10 if lo > 0 else lo * 10))
        if m.group(2) == "t_end":
            vals.append("1e9")
        elif m.group(1) == "2^64-1" or m.group(2) == "2^64-1":
            vals.append("18446744073709551616")
        else:
            hi = number(m.group(2))
            vals.append(fmt(hi + 1) if integer else fmt(hi * 10 if hi > 0 else 1))
        if integer:
            vals.append(fmt(lo) + ".5")
        vals.append("abc")
    elif rng.startswith(">"):
        vals += ["0", "-1", "abc"]
    elif rng.startswith("model."):
        vals += ["model.nonexistent", "run.ntraj", "g"]
    elif rng.startswith("v1"):
        vals += ["1, x, 3", "1, nan, 2", ",".join(["1"] * 4097)]
    elif rng == "number" or re.match(r"^number [<>] \w+$", rng):
        # a bound given by another key ("number < omega_max"): only the
        # unparsable values are out of range whatever the other key holds
        vals += ["abc", "nan"]
    elif rng.startswith("true/false"):
        vals += ["maybe", "2"]
    else:  # a list of words
        vals += ["bogus", "1"]
    return vals


def model_header(model):
    return "[model]\nname = %s\n" % model if model else ""


def main():
    text = open(os.path.join(ROOT, "docs", "runfile.md")).read()
    cases = {}
    n = 0
    edge = 0
    for section, model, key, unit, rng in parse_tables(text):
        if section == "model" and model is None:
            continue  # [model] name: hand-written cases
        cmds = MODEL_COMMANDS[model] if section == "model" else SECTION_COMMANDS[section]
        values = bad_values(key, unit, rng)
        if not rng.startswith("number") and not rng.startswith("model.") and not rng.startswith("v1") \
                and not rng.startswith("true") and re.search(r"\d", rng):
            extra = EDGES[edge % len(EDGES)]
            if extra == "0x1p99" and rng.startswith(">"):
                extra = "-0x10"  # a hex number out of range whether or not hex parses
            values.append(extra)
            edge += 1
        if "t_skip" in rng and key == "t_end":
            values = ["0.4", "-1", "nan", "1e13"]  # t_skip defaults to 0.5
        for i, v in enumerate(values):
            n += 1
            cmd = cmds[n % len(cmds)]
            model_for = model or ("transmon" if cmd in ("rates", "compare-model") else None)
            name = "key_%s_%s%s_%d" % (section, (model + "_") if model else "", key, i + 1)
            via_set = (n % 3 == 0 and "," not in v and " " not in v) or len(v) > 500
            fragment = "[%s] %s =" % (section, key)
            if "name, name" in rng:
                fragment = "[%s] %s" % (section, key)  # a list: the message quotes the name
            if v == "model.nonexistent":
                fragment = "model.nonexistent"
            elif key == "t_end" and section == "rates" and v == "0.4":
                fragment = "t_skip < t_end"
            body = model_header(model_for)
            if section != "model" or not model_for:
                body += "[%s]\n" % section
            if key.startswith("keep_sum"):
                # keep_sum only means something beside a swept key
                body += "key = model.g\nkey2 = model.eps\n"
            if via_set:
                args = "%s @INI --set %s.%s=%s" % (cmd, section, key, v)
            else:
                body += "%s = %s\n" % (key, v)
                args = "%s @INI" % cmd
            shown = v if len(v) < 40 else v[:20] + "..."
            cases[name + ".case"] = ("# %s.%s = '%s' (range %s)\n" % (section, key, shown, rng)
                                     + "# cmd: %s\n# exit: 2\n# expect: %s\n" % (args, fragment)
                                     + body)
    old = {os.path.basename(p) for p in glob.glob(os.path.join(HERE, "key_*.case"))}
    if "--check" in sys.argv[1:]:
        stale = sorted(old ^ set(cases))
        stale += sorted(c for c in set(cases) & old
                        if open(os.path.join(HERE, c)).read() != cases[c])
        for c in stale[:10]:
            print("stale: tests/bad_inputs/%s" % c)
        if stale:
            print("%d key cases stale: run python3 tests/bad_inputs/generate.py" % len(stale))
            sys.exit(1)
        print("%d key cases current" % len(cases))
        return
    for c in old:
        os.remove(os.path.join(HERE, c))
    for c, content in cases.items():
        with open(os.path.join(HERE, c), "w") as f:
            f.write(content)
    print("generated %d key cases" % n)


if __name__ == "__main__":
    main()
