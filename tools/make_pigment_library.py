#!/usr/bin/env python3
"""Builds the default pigment library (data/pigments/default.textproto) from public measurements.

Input: data/pigments/public_pigment_spectra.csv (sources and units in its header comments).
Output: a protobuf text-format shadecast.pb.PigmentLibrary (proto/shadecast/pigment.proto) with
spectral two-constant Kubelka-Munk K and S for each default pigment on the 36-band grid
(380-730 nm, 10 nm), all on ONE relative scale: Berns's, where S of titanium white (PW6) = 1 per
unit film thickness. docs/pigments.md explains each pigment and its assumptions.

Usage: python3 tools/make_pigment_library.py [--csv PATH] [--out PATH] [--check]
  --check  only prints the sanity checks; exits 1 if the written file differs from a fresh build.

Standard library only. The same Saunderson constants as Berns's fit are used everywhere:
  measured R_m = k1 + (1 - k1)(1 - k2) R_i / (1 - k2 R_i),  k1 = 0.03, k2 = 0.65,
with k1 kept in the measured value: these are matte paints, whose first-surface reflection is
diffuse and so is seen even by a specular-excluded instrument (the flat ~4.8 % of carbon black's
masstone is that surface reflection, not light from inside the film).
"""
import argparse
import csv
import io
import math
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRID = [380 + 10 * i for i in range(36)]
K1, K2 = 0.03, 0.65

# Scattering assumed for pigments whose sources give only K/S (relative units, S(TiO2) = 1).
S_IRON_OXIDE_OPAQUE = 0.4   # synthetic red / yellow iron oxide (PR101, PY42), flat in wavelength
S_IRON_OXIDE_TRANSPARENT = 0.15  # burnt sienna (natural, semi-transparent PR101)


def saunderson_forward(ri, k1=K1, k2=K2):
    """Internal (body) reflectance -> measured reflectance, first-surface term k1 included."""
    return k1 + (1 - k1) * (1 - k2) * ri / (1 - k2 * ri)


def saunderson_inverse(rm, k1=K1, k2=K2):
    """Measured reflectance -> internal reflectance (inverse of saunderson_forward)."""
    x = rm - k1
    return x / ((1 - k1) * (1 - k2) + k2 * x)


def ks_from_r(r):
    """Single-constant Kubelka-Munk K/S of an opaque layer with internal reflectance r."""
    return (1 - r) ** 2 / (2 * r)


def r_inf(ks):
    """Opaque (R-infinity) internal reflectance from K/S: 1 + K/S - sqrt((K/S)^2 + 2 K/S)."""
    a = 1 + ks
    return 1 / (a + math.sqrt(a * a - 1))


def read_source(path):
    comments, rows = [], []
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    body = []
    for line in lines:
        if line.startswith("#"):
            comments.append(line[1:].strip())
        elif line.strip():
            body.append(line)
    reader = csv.reader(io.StringIO("\n".join(body)))
    header = next(reader)
    for row in reader:
        rows.append(row)
    cols = {name: [] for name in header}
    for row in rows:
        if len(row) != len(header):
            sys.exit(f"{path}: a row has {len(row)} cells, the header {len(header)}")
        for name, cell in zip(header, row):
            cols[name].append(float(cell) if cell.strip() else None)
    wl = [int(round(v)) for v in cols["wavelength_nm"]]
    if wl != GRID:
        sys.exit(f"{path}: expected wavelengths 380..730 nm at 10 nm, got {wl[0]}..{wl[-1]} ({len(wl)} rows)")
    return comments, cols


def hold_ends(values, name):
    """Fills blanks by holding the nearest measured value. Returns (values, filled band list)."""
    known = [i for i, v in enumerate(values) if v is not None]
    if not known:
        sys.exit(f"column {name} is empty")
    if known != list(range(known[0], known[-1] + 1)):
        sys.exit(f"column {name} has a gap inside its range")
    out = list(values)
    for i in range(len(out)):
        if out[i] is None:
            out[i] = values[known[0]] if i < known[0] else values[known[-1]]
    filled = [GRID[i] for i in range(len(values)) if values[i] is None]
    return out, filled


def filled_note(filled):
    if not filled:
        return ""
    lo = [w for w in filled if w < 550]
    hi = [w for w in filled if w > 550]
    parts = []
    if lo:
        parts.append(f"{lo[0]}-{lo[-1]} nm")
    if hi:
        parts.append(f"{hi[0]}-{hi[-1]} nm")
    return (" The source has no data at " + " and ".join(parts) +
            "; those bands hold the nearest measured value (extrapolation, not measurement).")


def ks_from_measured_percent(rpct):
    """Measured reflectance in percent -> K/S via inverse Saunderson (body reflectance)."""
    out = []
    for v in rpct:
        ri = saunderson_inverse(v / 100.0)
        if ri <= 1e-4:
            ri = 1e-4  # below the surface term: treat as (nearly) black
        out.append(ks_from_r(ri))
    return out


def pigment(pid, name, ci, role, k, s, source, assumptions, proxy=False, cluster_absorptance=None,
            sieve_k=None, characterisation_only=True):
    # Rounded to the 6 significant digits written, so the sanity checks test the file's numbers.
    k = [float(f"{v:.6g}") for v in k]
    s = [float(f"{v:.6g}") for v in s]
    for arr in (k, s):
        assert len(arr) == 36 and all(v >= 0 and math.isfinite(v) for v in arr), pid
    if cluster_absorptance is not None:
        cluster_absorptance = [float(f"{v:.4g}") for v in cluster_absorptance]
        assert len(cluster_absorptance) == 36 and all(0 <= v <= 1 for v in cluster_absorptance), pid
    return dict(id=pid, name=name, colour_index=ci, role=role, k=k, s=s, source=source,
                assumptions=assumptions, proxy=proxy, cluster_absorptance=cluster_absorptance,
                sieve_k=sieve_k, characterisation_only=characterisation_only)


def build(cols):
    pigs = []
    g = lambda name: cols[name]

    # Titanium white and bone black: two-constant K, S as published (Berns, Golden Heavy Body).
    kw, _ = hold_ends(g("PW6_TiO2_K_berns"), "PW6_TiO2_K_berns")
    sw, _ = hold_ends(g("PW6_TiO2_S_berns"), "PW6_TiO2_S_berns")
    pigs.append(pigment(
        "titanium_white", "Titanium white", "PW6", "REFERENCE", kw, sw,
        "R.S. Berns / RIT Artist Paint Spectral Database, Golden Heavy Body acrylic titanium white: "
        "two-constant Kubelka-Munk K and S (via Unicolour ArtistPaint.cs, MIT); "
        "data/pigments/public_pigment_spectra.csv columns PW6_TiO2_K_berns, PW6_TiO2_S_berns.",
        "The reference of the scale: S = 1 at every wavelength by definition (Berns), K relative to it. "
        "Berns fitted with Saunderson k1 = 0.03, k2 = 0.65. An artists' paint (pigment in acrylic "
        "binder with its additives), not a cosmetic/SMP pigment."))

    kb, _ = hold_ends(g("PBk9_BoneBlack_K_berns"), "PBk9_BoneBlack_K_berns")
    sb, _ = hold_ends(g("PBk9_BoneBlack_S_berns"), "PBk9_BoneBlack_S_berns")
    pigs.append(pigment(
        "bone_black", "Bone black", "PBk9", "BLACK", kb, sb,
        "R.S. Berns / RIT Artist Paint Spectral Database, Golden Heavy Body acrylic bone black: "
        "two-constant Kubelka-Munk K and S (via Unicolour ArtistPaint.cs, MIT); "
        "data/pigments/public_pigment_spectra.csv columns PBk9_BoneBlack_K_berns, PBk9_BoneBlack_S_berns.",
        "Relative to S(TiO2) = 1 (Berns's scale); Saunderson k1 = 0.03, k2 = 0.65 in the fit. "
        "An artists' paint, not an SMP pigment; no public masstone of it to cross-check."))

    # Carbon black: Okumura masstone (380-730 nm) -> inverse Saunderson -> K/S; S from bone black.
    cb_r, filled = hold_ends(g("PBk7_CarbonBlack_Rpct_okumura"), "PBk7_CarbonBlack_Rpct_okumura")
    cb_ks = ks_from_measured_percent(cb_r)
    pigs.append(pigment(
        "carbon_black", "Carbon black (lamp/furnace black)", "PBk7", "BLACK",
        [q * s for q, s in zip(cb_ks, sb)], list(sb),
        "Masstone reflectance (percent, specular excluded) of Golden Matte Fluid acrylic carbon black, "
        "Y. Okumura, MS thesis, RIT Munsell Color Science Laboratory 2005 (via lehotskysamuel/color-tools); "
        "data/pigments/public_pigment_spectra.csv column PBk7_CarbonBlack_Rpct_okumura. Cross-checked against "
        "Golden Heavy Body carbon black #1040 (PBk7_CarbonBlack_Rpct_goldenHB).",
        "Only K/S is measurable from a masstone. K/S = (1-R)^2/(2R) of the internal reflectance R obtained by "
        "inverting Saunderson (k1 = 0.03 kept in the measured value, k2 = 0.65): the flat ~4.8 % measured is "
        "mostly surface reflection. S is ASSUMED equal to bone black's S from Berns (same paint line, similar "
        "particle scattering) and K = (K/S) * S; real carbon black probably has a lower S and a several-times "
        "higher tinting strength than bone black, so its absolute K here is likely an underestimate: fit the "
        "per-pigment scale from clinic outcomes." + filled_note(filled)))

    # Red iron oxide: Okumura masstone.
    ro_r, filled = hold_ends(g("PR101_RedOxide_Rpct_okumura"), "PR101_RedOxide_Rpct_okumura")
    ro_ks = ks_from_measured_percent(ro_r)
    pigs.append(pigment(
        "iron_oxide_red", "Red iron oxide", "PR101", "WARM_NEUTRALIZER",
        [q * S_IRON_OXIDE_OPAQUE for q in ro_ks], [S_IRON_OXIDE_OPAQUE] * 36,
        "Masstone reflectance (percent, specular excluded) of Golden Matte Fluid acrylic red oxide, "
        "Y. Okumura, MS thesis, RIT Munsell Color Science Laboratory 2005 (via lehotskysamuel/color-tools); "
        "data/pigments/public_pigment_spectra.csv column PR101_RedOxide_Rpct_okumura.",
        f"Only K/S is measurable from a masstone: inverse Saunderson (k1 = 0.03, k2 = 0.65) then "
        f"K/S = (1-R)^2/(2R). S is ASSUMED flat at {S_IRON_OXIDE_OPAQUE} (relative to S(TiO2) = 1): synthetic "
        f"iron oxides are high-index (n ~ 3), strongly scattering pigments, but no public two-constant data "
        f"exist; K = (K/S) * S. The tinting strength (absolute K) is therefore an assumption; fit the "
        f"per-pigment scale from clinic outcomes." + filled_note(filled)))

    # Yellow iron oxide: Golden HB 10 mil drawdown over white, uncorrected reflectance.
    yo_r, filled = hold_ends(g("PY42_YellowOxide1410_Rpct_goldenHB"), "PY42_YellowOxide1410_Rpct_goldenHB")
    yo_ks = ks_from_measured_percent(yo_r)
    pigs.append(pigment(
        "iron_oxide_yellow", "Yellow iron oxide", "PY42", "WARM_NEUTRALIZER",
        [q * S_IRON_OXIDE_OPAQUE for q in yo_ks], [S_IRON_OXIDE_OPAQUE] * 36,
        "Golden Artist Colors Heavy Body acrylic Yellow Oxide #1410: reflectance of a 10 mil wet drawdown over "
        "a white Leneta card, 400-700 nm (realtimerendering.com/golden.html GoldenSpectra, redistribution "
        "granted by Golden, via lehotskysamuel/color-tools); data/pigments/public_pigment_spectra.csv column "
        "PY42_YellowOxide1410_Rpct_goldenHB.",
        f"The drawdown is taken as opaque (synthetic yellow oxide hides well at 10 mil). Golden's reflectance "
        f"is uncorrected: inverse Saunderson (k1 = 0.03, k2 = 0.65) then K/S = (1-R)^2/(2R). S is ASSUMED flat "
        f"at {S_IRON_OXIDE_OPAQUE} (relative to S(TiO2) = 1) as for red iron oxide; K = (K/S) * S."
        + filled_note(filled)))

    # Iron-oxide brown: no PBk11 / brown oxide data is public; burnt sienna (PR101) stands in.
    bs_r, filled = hold_ends(g("PR101_BurntSienna_Rpct_goldenHB"), "PR101_BurntSienna_Rpct_goldenHB")
    bs_ks = ks_from_measured_percent(bs_r)
    pigs.append(pigment(
        "iron_oxide_brown", "Iron oxide brown (proxy: burnt sienna)", "PR101", "WARM_NEUTRALIZER",
        [q * S_IRON_OXIDE_TRANSPARENT for q in bs_ks], [S_IRON_OXIDE_TRANSPARENT] * 36,
        "Golden Artist Colors Heavy Body acrylic Burnt Sienna #1020 (PR101): reflectance of a 10 mil wet "
        "drawdown over a white Leneta card, 400-700 nm (realtimerendering.com/golden.html GoldenSpectra via "
        "sshclaude/PaintMix); data/pigments/public_pigment_spectra.csv column PR101_BurntSienna_Rpct_goldenHB.",
        f"PROXY: no public data for a brown/black iron oxide (PBk11, Mars black) exist; burnt sienna, a calcined "
        f"natural iron oxide, stands in for a warm brown neutralizer. Golden's reflectance is uncorrected: inverse "
        f"Saunderson (k1 = 0.03, k2 = 0.65) then K/S = (1-R)^2/(2R), treating the drawdown as opaque although "
        f"burnt sienna is semi-transparent, so the white card may lift the long-wavelength reflectance and K/S "
        f"there is likely underestimated. S is ASSUMED flat at {S_IRON_OXIDE_TRANSPARENT} (relative to "
        f"S(TiO2) = 1; lower than the opaque synthetic oxides); K = (K/S) * S." + filled_note(filled),
        proxy=True))
    return smp_inks(cols, pigs) + pigs


# SMP inks in skin are clusters (docs/optics.md): areal fill f = 1 - exp(-SIEVE_K c) at concentration c
# relative to undiluted ink. Default from the deposited mass and a cluster size: Engel et al. 2008
# (Contact Dermatitis 58:228) measured 2.53 mg/cm2 (0.60-9.42) of tattoo pigment; packed at ~0.9 g/cm3
# in ~5 um clumps inside dermal cells that is ~8 projected cluster areas per unit skin area (f = 1 - e^-8,
# opaque undiluted; f = 0.32 at 1 ml ink + 20 ml water). The cluster size is not known for SMP, so
# `optics calibrate` refits it (sieve_scale, per-ink scales).
SIEVE_K = 8.0


def body_absorptance(rpct):
    """Share of light an opaque clump of the material absorbs: 1 - its body (internal) reflectance."""
    out = []
    for v in rpct:
        ri = min(max(saunderson_inverse(v / 100.0), 0.0), 1.0)
        out.append(1.0 - ri)
    return out


def smp_inks(cols, paints):
    """The SMP ink library: what `match` recommends (docs/pigments.md)."""
    by_id = {p["id"]: p for p in paints}
    g = lambda name: cols[name]
    inks = []
    cb_r, _ = hold_ends(g("PBk7_CarbonBlack_Rpct_okumura"), "PBk7_CarbonBlack_Rpct_okumura")
    cb = by_id["carbon_black"]
    inks.append(pigment(
        "smp_carbon_black", "SMP ink, carbon black", "PBk7", "BLACK", cb["k"], cb["s"],
        "Carbon black PBk7 (the pigment of SMP inks; diluted with distilled water, 0-20+ ml per ml ink). "
        "Cluster absorptance from the carbon black masstone of Okumura 2005 (RIT MS thesis; "
        "public_pigment_spectra.csv column PBk7_CarbonBlack_Rpct_okumura) after inverse Saunderson "
        "(k1 = 0.03, k2 = 0.65): 1 - body reflectance. K and S as the carbon_black drawdown.",
        "An opaque black clump absorbs what its body does not return (>= 0.99 here); a fill of "
        f"1 - exp(-{SIEVE_K:g} c) (SIEVE_K in tools/make_pigment_library.py: from Engel et al. 2008's deposited "
        "mass and a ~5 um cluster; to be refitted by optics calibrate). Carbon nanoparticles absorb 7.5-7.9 "
        "m2/g at 550 nm (Bond & Bergstrom 2006; You et al. 2016), so a clump of them is black.",
        cluster_absorptance=body_absorptance(cb_r), sieve_k=SIEVE_K, characterisation_only=False))
    red_r, _ = hold_ends(g("PR101_RedOxide_Rpct_okumura"), "PR101_RedOxide_Rpct_okumura")
    yel_r, _ = hold_ends(g("PY42_YellowOxide1410_Rpct_goldenHB"), "PY42_YellowOxide1410_Rpct_goldenHB")
    red, yel = by_id["iron_oxide_red"], by_id["iron_oxide_yellow"]
    warm_abs = [0.5 * (a + b) for a, b in zip(body_absorptance(red_r), body_absorptance(yel_r))]
    inks.append(pigment(
        "smp_warm_neutralizer", "SMP warm neutralizer, iron oxide red + yellow", "PR101/PY42",
        "WARM_NEUTRALIZER", [0.5 * (a + b) for a, b in zip(red["k"], yel["k"])],
        [0.5 * (a + b) for a, b in zip(red["s"], yel["s"])],
        "Iron oxides PR101 (red) and PY42 (yellow), the warm neutralizers of SMP and cosmetic tattoo inks. "
        "Cluster absorptance: mean of 1 - body reflectance of the red oxide masstone (Okumura 2005, column "
        "PR101_RedOxide_Rpct_okumura) and the yellow oxide drawdown (Golden #1410, column "
        "PY42_YellowOxide1410_Rpct_goldenHB), inverse Saunderson k1 = 0.03, k2 = 0.65.",
        "A 1:1 red/yellow oxide blend. The model treats a cluster as absorbing only: the light an iron-oxide "
        "clump scatters back (it is a strong scatterer) is not added, so the predicted warming is a lower "
        f"bound; scattering clusters need direct Monte Carlo runs (docs/optics.md). Sieve constant {SIEVE_K:g} "
        "assumed as for carbon.",
        cluster_absorptance=warm_abs, sieve_k=SIEVE_K, characterisation_only=False))
    cool_abs = []
    for w in GRID:
        t = min(max((w - 520.0) / 130.0, 0.0), 1.0)
        cool_abs.append(0.35 + 0.55 * t * t * (3 - 2 * t))
    inks.append(pigment(
        "smp_cool_neutralizer", "SMP cool neutralizer (proxy)", "-", "COOL_NEUTRALIZER",
        [0.5] * 36, [0.2] * 36,
        "PROXY: no public optical data for an SMP cool neutralizer exist (practitioners describe blue-green "
        "or grey-blue additives). A smooth synthetic absorptance: 0.35 below 520 nm rising to 0.90 above "
        "650 nm, i.e. it takes more red than blue from the light that meets it.",
        "Synthetic; replace with a characterised ink (shadecast pigment characterize). K and S are "
        "placeholders for drawdown use only.",
        proxy=True, cluster_absorptance=cool_abs, sieve_k=SIEVE_K, characterisation_only=False))
    return inks


def sanity_checks(cols, pigs, out=sys.stdout):
    """Forward check: R-infinity of each pigment's K/S, forward Saunderson, vs its source masstone."""
    by_id = {p["id"]: p for p in pigs}
    checks = [
        ("titanium_white", "PW6_TiO2_Rpct_okumura", "Berns K,S (Heavy Body) vs Okumura masstone (Matte Fluid): independent"),
        ("bone_black", None, "no public masstone"),
        ("carbon_black", "PBk7_CarbonBlack_Rpct_okumura", "round trip of the source it was derived from"),
        ("carbon_black", "PBk7_CarbonBlack_Rpct_goldenHB", "vs Golden HB #1040 over white: independent"),
        ("iron_oxide_red", "PR101_RedOxide_Rpct_okumura", "round trip of the source it was derived from"),
        ("iron_oxide_yellow", "PY42_YellowOxide1410_Rpct_goldenHB", "round trip of the source it was derived from"),
        ("iron_oxide_yellow", "FeOx_YellowOchre1407_Rpct_goldenHB", "vs Golden yellow ochre #1407: a different pigment, loose"),
        ("iron_oxide_brown", "PR101_BurntSienna_Rpct_goldenHB", "round trip of the source it was derived from"),
    ]
    print("Sanity check: opaque R-inf from K/S -> forward Saunderson (k1=0.03, k2=0.65) vs source masstone", file=out)
    print(f"  {'pigment':18s} {'source column':36s} {'bands':>5s} {'mean|dR|':>9s} {'max|dR|':>8s}  (percentage points)", file=out)
    results = []
    for pid, col, what in checks:
        p = by_id[pid]
        pred = [100 * saunderson_forward(r_inf(k / s)) for k, s in zip(p["k"], p["s"])]
        if col is None:
            print(f"  {pid:18s} {'-':36s} {'':>5s} {'':>9s} {'':>8s}  {what}; predicted masstone "
                  f"{pred[GRID.index(450)]:.2f}/{pred[GRID.index(550)]:.2f}/{pred[GRID.index(650)]:.2f} % at 450/550/650 nm", file=out)
            continue
        src = cols[col]
        diffs = [abs(a - b) for a, b in zip(pred, src) if b is not None]
        mean, mx = sum(diffs) / len(diffs), max(diffs)
        results.append((pid, col, mean, mx))
        print(f"  {pid:18s} {col:36s} {len(diffs):5d} {mean:9.2g} {mx:8.2g}  {what}", file=out)
    # Golden's own K/S column (uncorrected) vs the corrected value, to show why it is not used as is.
    gk = cols["PBk7_CarbonBlack_KoverS_goldenHB"]
    i550 = GRID.index(550)
    cb = by_id["carbon_black"]
    print(f"  carbon black K/S at 550 nm: Golden's uncorrected {gk[i550]:.2f}; from Okumura after inverse "
          f"Saunderson {cb['k'][i550] / cb['s'][i550]:.2f}; Golden HB after inverse Saunderson "
          f"{ks_from_measured_percent([cols['PBk7_CarbonBlack_Rpct_goldenHB'][i550]])[0]:.2f}", file=out)
    return results


def fmt_list(vals):
    return "[" + ", ".join(f"{v:.6g}" for v in vals) + "]"


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_textproto(pigs, comments):
    lines = [
        "# proto-file: shadecast/pigment.proto",
        "# proto-message: shadecast.pb.PigmentLibrary",
        "#",
        "# GENERATED by tools/make_pigment_library.py from data/pigments/public_pigment_spectra.csv -- do not edit by",
        "# hand; edit the script and re-run it. What each pigment is and what is assumed: docs/pigments.md.",
        "#",
        "# The SMP inks (smp_*) come first: what `match` recommends. The ARTISTS' PAINTS after them (Golden",
        "# acrylics; characterisation_only) are characterisation examples and are never recommended.",
        "# In skin an ink is clusters: fill 1 - exp(-sieve_k c) at concentration c, each cluster absorbing",
        "# cluster_absorptance of the light meeting it (docs/optics.md). K and S: two-constant Kubelka-Munk of a",
        "# drawdown on one relative scale, S(titanium white PW6) = 1 per unit film thickness (Berns).",
        "#",
        "# Source file header:",
    ]
    lines += ["#   " + c for c in comments]
    lines += [
        "",
        'name: "shadecast default (SMP inks from public pigment data)"',
        "description: " + quote(
            "SMP inks (carbon black PBk7, an iron-oxide warm neutralizer, a proxy cool neutralizer) with cluster "
            "absorptance and sieve constants from public pigment measurements, then artists' acrylic paints "
            "(Berns/RIT K,S; Okumura 2005 masstones; Golden drawdowns) kept as characterisation examples. "
            "See docs/pigments.md and docs/optics.md."),
    ]
    for p in pigs:
        lines.append("pigments {")
        lines.append(f"  id: {quote(p['id'])}")
        lines.append(f"  name: {quote(p['name'])}")
        lines.append(f"  colour_index: {quote(p['colour_index'])}")
        lines.append(f"  role: {p['role']}")
        lines.append(f"  wavelengths_nm: {fmt_list(GRID)}")
        lines.append(f"  k: {fmt_list(p['k'])}")
        lines.append(f"  s: {fmt_list(p['s'])}")
        lines.append(f"  source: {quote(p['source'])}")
        lines.append(f"  assumptions: {quote(p['assumptions'])}")
        if p["proxy"]:
            lines.append("  proxy: true")
        if p["cluster_absorptance"] is not None:
            lines.append(f"  cluster_absorptance: {fmt_list(p['cluster_absorptance'])}")
        if p["sieve_k"] is not None:
            lines.append(f"  sieve_k: {p['sieve_k']:g}")
        if p["characterisation_only"]:
            lines.append("  characterisation_only: true")
        lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", default=os.path.join(REPO, "data/pigments/public_pigment_spectra.csv"))
    ap.add_argument("--out", default=os.path.join(REPO, "data/pigments/default.textproto"))
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if --out is stale")
    args = ap.parse_args()
    comments, cols = read_source(args.csv)
    pigs = build(cols)
    sanity_checks(cols, pigs)
    text = write_textproto(pigs, comments)
    if args.check:
        try:
            with open(args.out) as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print(f"{args.out} is stale: re-run tools/make_pigment_library.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, args.out)
    print(f"wrote {args.out} ({len(pigs)} pigments, 36 bands each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
