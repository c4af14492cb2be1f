# Copied from ../shared/bench/ref_python.py (the monitor's slow standard-library reference
# of the aggregation spec), these two lines added; server/tests/api/aggregate.rs checks the engine against it.
#!/usr/bin/env python3
"""Slow pure-Python reference of the spec (stdlib only), for cross-checking on small N.
    python ref_python.py --data DIR --out result.csv"""
import argparse, csv, math, os
from collections import defaultdict
Z = 1.959963984540054
BD = ["national", "brin", "type", "region", "sector", "level", "path", "gender", "age_band", "migration"]
IND = ["feels_safe", "bullied", "discriminated", "sexual_harassment"]
ap = argparse.ArgumentParser(); ap.add_argument("--data"); ap.add_argument("--out"); a = ap.parse_args()
inst = {r["brin"]: r for r in csv.DictReader(open(os.path.join(a.data, "institutions.csv")))}
acc = defaultdict(lambda: [0, 0, 0.0, 0.0, 0.0]); resp = defaultdict(int)
for r in csv.DictReader(open(os.path.join(a.data, "students.csv"))):
    r["type"] = inst[r["brin"]]["type"]; r["region"] = inst[r["brin"]]["region"]
    w = float(r["weight"]); y = int(r["year"])
    resp[(y, r["brin"])] += 1
    for b in BD:
        g = "all" if b == "national" else r[b]
        for i in IND:
            v = r[i]
            if v == "": continue
            yes = int(v) >= 4 if i == "feels_safe" else int(v) == 1
            c = acc[(y, b, g, i)]; c[0] += 1; c[1] += yes; c[2] += w; c[3] += w * yes; c[4] += w * w
inc = defaultdict(int)
for r in csv.DictReader(open(os.path.join(a.data, "incidents.csv"))):
    inc[(int(r["year"]), r["brin"])] += int(r["count"])
rows = []
for (y, b, g, i), (n, k, sw, swx, sw2) in acc.items():
    if n < 10: rows.append((y, b, g, i, n, "", "", "", 1)); continue
    # Wilson around the weighted share with Kish's effective n
    p = swx / sw; ne = sw * sw / sw2
    den = 1 + Z*Z/ne; c = (p + Z*Z/(2*ne)) / den; h = Z*math.sqrt(p*(1-p)/ne + Z*Z/(4*ne*ne)) / den
    rows.append((y, b, g, i, n, repr(swx/sw), repr(c-h), repr(c+h), 0))
for (y, br), n in resp.items():
    t = inc.get((y, br), 0)
    rows.append((y, "brin", br, "incidents_total", n, repr(float(t)), "", "", 0))
    rows.append((y, "brin", br, "incidents_per_1000", n, "" if n < 10 else repr(t*1000.0/n), "", "", int(n < 10)))
rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
with open(a.out, "w", newline="") as f:
    w = csv.writer(f); w.writerow(["year","breakdown","group","indicator","n","share","ci_low","ci_high","suppressed"]); w.writerows(rows)
